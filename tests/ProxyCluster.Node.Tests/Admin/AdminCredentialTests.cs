using ProxyCluster.Node.Admin;
using ProxyCluster.Node.Configuration;
using ProxyCluster.Node.Tests.Jwt;

namespace ProxyCluster.Node.Tests.Admin;

/// <summary>The admin token file can be replaced while the node runs; a bad replacement locks nobody out.</summary>
public sealed class AdminCredentialTests : IDisposable
{
    private const string First = "first-admin-token-0123456789";
    private const string Second = "second-admin-token-9876543210";

    private readonly string _file = Path.Combine(Path.GetTempPath(), $"admin-token-{Guid.NewGuid():N}");
    private readonly ManualTime _time = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void ReplacedFile_IsAcceptedAfterTheRecheckInterval_AndTheOldTokenNoLonger()
    {
        Write(First, age: TimeSpan.FromMinutes(1));
        var credential = AdminCredential.Load(new AdminOptions { TokenFile = _file }, _time)!;
        Assert.True(credential.Accepts("Bearer " + First));

        Write(Second, age: TimeSpan.Zero);
        Assert.True(credential.Accepts("Bearer " + First), "not looked at again before the interval");

        _time.Advance(AdminCredential.RecheckInterval);
        Assert.True(credential.Accepts("Bearer " + Second));
        Assert.False(credential.Accepts("Bearer " + First));
    }

    [Theory]
    [InlineData("short")]
    [InlineData(null)] // the file removed
    public void BadReplacement_KeepsTheCurrentToken(string? replacement)
    {
        Write(First, age: TimeSpan.FromMinutes(1));
        var credential = AdminCredential.Load(new AdminOptions { TokenFile = _file }, _time)!;

        if (replacement is null)
        {
            File.Delete(_file);
        }
        else
        {
            Write(replacement, age: TimeSpan.Zero);
        }

        _time.Advance(AdminCredential.RecheckInterval);
        Assert.True(credential.Accepts("Bearer " + First));
        Assert.False(credential.Accepts("Bearer short"));
    }

    [Fact]
    public void WrongSchemeOrToken_IsRefused()
    {
        Write(First, age: TimeSpan.Zero);
        var credential = AdminCredential.Load(new AdminOptions { TokenFile = _file }, _time)!;

        Assert.False(credential.Accepts(null));
        Assert.False(credential.Accepts(First));
        Assert.False(credential.Accepts("Basic " + First));
        Assert.False(credential.Accepts("Bearer " + First + "x"));
        Assert.True(credential.Accepts("bearer " + First + "\n"));
    }

    public void Dispose() => File.Delete(_file);

    // Distinct write times, whatever the file system's timestamp resolution.
    private void Write(string token, TimeSpan age)
    {
        File.WriteAllText(_file, token + "\n");
        File.SetLastWriteTimeUtc(_file, DateTime.UtcNow - age);
    }
}
