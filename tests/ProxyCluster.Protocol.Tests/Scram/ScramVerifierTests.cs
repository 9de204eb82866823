using ProxyCluster.Protocol.Scram;

namespace ProxyCluster.Protocol.Tests.Scram;

public sealed class ScramVerifierTests
{
    // Real pg_authid.rolpassword values, produced by PostgreSQL 15 with password_encryption = 'scram-sha-256'.
    private const string PostgresPencil =
        "SCRAM-SHA-256$4096:6kxPu1ztoF01+EG5KtNjdA==$a0dfi1V8avWE0xgibjEaOmxx7eocdPawSH87EIAMN6U=:KVnWrXZ27et2bfk6n1mirfDwhsG25MU9BSBDWE0iOX0=";

    private const string PostgresAsciiWithSpaces =
        "SCRAM-SHA-256$4096:nU1sPi1v7r08jr+6FE7lxQ==$8tn1UpjPC5cRalAjiX8Ndkl2Cg9Z1go6mkOzrGaGBsQ=:3vDl7PFd2aAGPuPC8yEgX4J8D60oepT5nZbrgJ9/+dg=";

    // "pässwörd" in precomposed form: SASLprep leaves it unchanged, so raw UTF-8 is what PostgreSQL hashed.
    private const string PostgresNonAscii =
        "SCRAM-SHA-256$4096:lSd1GpCBvSEJebJTf0SZQQ==$hhpTPzOkLPHVAOUFAIQ+GtC1lZK3h3wfbCOho4BlAI0=:PcjIrxjObALk6RDX+9CUYpAfz9NEzR+wlvJ9fdzqRtg=";

    [Theory]
    [InlineData(PostgresPencil, "pencil")]
    [InlineData(PostgresAsciiWithSpaces, "Tr0ub4dor&3 with spaces")]
    [InlineData(PostgresNonAscii, "p\u00e4ssw\u00f6rd")]
    public void Create_SaltAndIterationsOfARealPostgresVerifier_ProducesTheSameVerifier(string postgres, string password)
    {
        Assert.True(ScramVerifier.TryParse(postgres, out var parsed));

        var created = ScramVerifier.Create(password, parsed.Salt, parsed.Iterations);

        Assert.Equal(parsed, created);
        Assert.Equal(postgres, created.ToPostgresString());
    }

    [Fact]
    public void TryParse_RealPostgresVerifier_ReadsEveryField()
    {
        Assert.True(ScramVerifier.TryParse(PostgresPencil, out var verifier));

        Assert.Equal(4096, verifier.Iterations);
        Assert.Equal(Convert.FromBase64String("6kxPu1ztoF01+EG5KtNjdA=="), verifier.Salt);
        Assert.Equal(Convert.FromBase64String("a0dfi1V8avWE0xgibjEaOmxx7eocdPawSH87EIAMN6U="), verifier.StoredKey);
        Assert.Equal(Convert.FromBase64String("KVnWrXZ27et2bfk6n1mirfDwhsG25MU9BSBDWE0iOX0="), verifier.ServerKey);
    }

    [Fact]
    public void ToPostgresString_GeneratedVerifier_RoundTripsThroughTryParse()
    {
        var verifier = ScramVerifier.Generate("correct horse", iterations: 4096);

        Assert.True(ScramVerifier.TryParse(verifier.ToPostgresString(), out var parsed));
        Assert.Equal(verifier, parsed);
        Assert.Equal(verifier.GetHashCode(), parsed.GetHashCode());
    }

    [Fact]
    public void Generate_TwoCalls_UseDifferentSalts()
    {
        var first = ScramVerifier.Generate("same password");
        var second = ScramVerifier.Generate("same password");

        Assert.Equal(ScramVerifier.DefaultSaltLength, first.Salt.Length);
        Assert.NotEqual(first.Salt, second.Salt);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Create_SaltBufferChangedAfterwards_VerifierUnchanged()
    {
        var salt = new byte[16];
        var verifier = ScramVerifier.Create("pencil", salt, 4096);

        salt[0] = 1;

        Assert.Equal(0, verifier.Salt[0]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("md5a3556571e93b0d20722ba62be61e8c2d")]
    [InlineData("SCRAM-SHA-256$4096:6kxPu1ztoF01+EG5KtNjdA==")]
    [InlineData("SCRAM-SHA-256$:6kxPu1ztoF01+EG5KtNjdA==$a0dfi1V8avWE0xgibjEaOmxx7eocdPawSH87EIAMN6U=:KVnWrXZ27et2bfk6n1mirfDwhsG25MU9BSBDWE0iOX0=")]
    [InlineData("SCRAM-SHA-256$0:6kxPu1ztoF01+EG5KtNjdA==$a0dfi1V8avWE0xgibjEaOmxx7eocdPawSH87EIAMN6U=:KVnWrXZ27et2bfk6n1mirfDwhsG25MU9BSBDWE0iOX0=")]
    [InlineData("SCRAM-SHA-256$-1:6kxPu1ztoF01+EG5KtNjdA==$a0dfi1V8avWE0xgibjEaOmxx7eocdPawSH87EIAMN6U=:KVnWrXZ27et2bfk6n1mirfDwhsG25MU9BSBDWE0iOX0=")]
    [InlineData("SCRAM-SHA-256$4096:$a0dfi1V8avWE0xgibjEaOmxx7eocdPawSH87EIAMN6U=:KVnWrXZ27et2bfk6n1mirfDwhsG25MU9BSBDWE0iOX0=")]
    [InlineData("SCRAM-SHA-256$4096:6kxPu1zt oF01+EG5KtNjdA==$a0dfi1V8avWE0xgibjEaOmxx7eocdPawSH87EIAMN6U=:KVnWrXZ27et2bfk6n1mirfDwhsG25MU9BSBDWE0iOX0=")]
    [InlineData("SCRAM-SHA-256$4096:6kxPu1ztoF01+EG5KtNjdA==$a0dfi1V8avWE0xgibjEaOmxx7eocdPawSH87EIAMN6=:KVnWrXZ27et2bfk6n1mirfDwhsG25MU9BSBDWE0iOX0=")]
    [InlineData("SCRAM-SHA-256$4096:6kxPu1ztoF01+EG5KtNjdA==$a0dfi1V8avWE0xgibjEaOmxx7eocdPawSH87EIAMN6U=:KVnWrXZ27et2bfk6n1mirfDwhsG25MU9BSBDWE0iOX0=:x")]
    [InlineData("SCRAM-SHA-256$4096:6kxPu1ztoF01+EG5KtNjdA==$a0dfi1V8avWE0xgibjEaOmxx7eocdPawSH87EIAMN6U=:KVnWrXZ27et2bfk6n1mirfDwhsG25MU9BSBDWE0iOX0=$")]
    public void TryParse_NotAVerifier_ReturnsFalse(string text)
    {
        Assert.False(ScramVerifier.TryParse(text, out var verifier));
        Assert.Null(verifier);
    }

    [Fact]
    public void TryParse_Null_ReturnsFalse()
    {
        Assert.False(ScramVerifier.TryParse(null!, out _));
    }

    [Fact]
    public void Create_UnpairedSurrogate_ThrowsWithoutEchoingThePassword()
    {
        var exception = Assert.Throws<ArgumentException>(() => ScramVerifier.Create("secret\ud800", new byte[16], 4096));

        Assert.DoesNotContain("secret", exception.Message, StringComparison.Ordinal);
    }
}
