using ProxyCluster.Tokens.Journal;

namespace ProxyCluster.Tokens.Tests.Journal;

public sealed class TokenEventJsonTests
{
    [Fact]
    public void Serialize_ThenDeserialize_KeepsEveryField()
    {
        var payload = new TokenEventPayload
        {
            Principal = "svc",
            Policy = "read-only",
            PolicyDocument = "rules: []",
            Routes = ["a", "b"],
            ExpiresAt = new DateTimeOffset(2027, 1, 2, 3, 4, 5, TimeSpan.Zero),
            Secret = new TokenSecretPayload("SCRAM-SHA-256$4096:c2FsdA==$a+b/c=:d+e/f=", "q+/w"),
        };

        var json = TokenEventJson.Serialize(payload);
        var back = TokenEventJson.Deserialize(json);

        Assert.Contains("\"policy_document\":\"rules: []\"", json, StringComparison.Ordinal);
        Assert.Contains("a+b/c=", json, StringComparison.Ordinal); // readable, not \u002B
        Assert.DoesNotContain("clear_expiry", json, StringComparison.Ordinal);
        Assert.Equal(payload.Routes, back.Routes);
        Assert.Equal(payload with { Routes = back.Routes }, back);
    }

    [Fact]
    public void Serialize_Empty_IsAnEmptyObject() => Assert.Equal("{}", TokenEventJson.Serialize(TokenEventPayload.Empty));

    [Theory]
    [InlineData("{\"token\":\"pct_x\"}")]
    [InlineData("{\"principal\":\"a\",\"principal\":\"b\"}")]
    [InlineData("[]")]
    [InlineData("null")]
    public void Deserialize_UnknownDuplicateOrWrongShape_IsAFormatException(string json) =>
        Assert.Throws<FormatException>(() => TokenEventJson.Deserialize(json));
}
