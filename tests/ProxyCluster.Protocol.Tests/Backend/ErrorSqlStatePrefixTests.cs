using System.Buffers;
using System.Text;
using ProxyCluster.Protocol.Errors;

namespace ProxyCluster.Protocol.Tests.Backend;

/// <summary>The SQLSTATE from the start of an ErrorResponse body that is too long to be read whole.</summary>
public sealed class ErrorSqlStatePrefixTests
{
    // S, V, C, M as PostgreSQL sends them; the message runs past any prefix the relay looks at.
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("SERROR\0VERROR\0C22P02\0Minvalid input syntax for type integer: \"" + new string('x', 1000) + "\"\0\0");

    [Fact]
    public void TryReadSqlState_FromAPrefix_ReadsTheCode()
    {
        foreach (var prefix in Segments.AllSplits(Body[..40]))
        {
            Assert.True(ErrorResponseReader.TryReadSqlState(prefix, out var sqlState));
            Assert.Equal("22P02", sqlState);
        }
    }

    [Fact]
    public void TryReadSqlState_PrefixEndingBeforeTheCode_IsFalse()
    {
        Assert.False(ErrorResponseReader.TryReadSqlState(new ReadOnlySequence<byte>(Body[..18]), out _)); // inside "C22P02"
        Assert.False(ErrorResponseReader.TryReadSqlState(new ReadOnlySequence<byte>(Body[..14]), out _)); // before it
    }

    [Theory]
    [InlineData("C2250\0")]          // four characters
    [InlineData("C22P02X\0")]        // six
    [InlineData("SERROR\0\0C22P02\0")] // the body ended before the code
    public void TryReadSqlState_NoWellFormedCode_IsFalse(string body)
    {
        Assert.False(ErrorResponseReader.TryReadSqlState(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(body)), out _));
    }
}
