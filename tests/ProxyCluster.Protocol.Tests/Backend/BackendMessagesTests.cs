using System.Buffers;
using ProxyCluster.Protocol.Backend;
using ProxyCluster.Protocol.Errors;
using ProxyCluster.Protocol.Framing;

namespace ProxyCluster.Protocol.Tests.Backend;

public class BackendMessagesTests
{
    [Fact]
    public void WriteAuthenticationOk_ProducesGoldenBytes() =>
        Assert.Equal(Segments.Hex("52 00000008 00000000"), Segments.Written(BackendMessages.WriteAuthenticationOk));

    [Fact]
    public void WriteAuthenticationCleartextPassword_ProducesGoldenBytes() =>
        Assert.Equal(Segments.Hex("52 00000008 00000003"), Segments.Written(BackendMessages.WriteAuthenticationCleartextPassword));

    [Fact]
    public void WriteAuthenticationSasl_ListsMechanismsThenTerminator()
    {
        // 'R', length 23, code 10, "SCRAM-SHA-256" NUL, NUL
        var expected = Segments.Hex("52 00000017 0000000A 534352414D2D5348412D32353600 00");
        var bytes = Segments.Written(w => BackendMessages.WriteAuthenticationSasl(w, ["SCRAM-SHA-256"]));
        Assert.Equal(expected, bytes);

        var buffer = Segments.Of(bytes);
        MessageFramer.TryReadFrame(ref buffer, 1024, out var frame);
        Assert.True(BackendReaders.TryReadAuthenticationCode(frame.Body, out var code));
        Assert.Equal(AuthenticationCode.Sasl, code);
        Assert.True(BackendReaders.TryReadSaslMechanisms(frame.Body, out var mechanisms));
        Assert.Equal(["SCRAM-SHA-256"], mechanisms);
    }

    [Fact]
    public void WriteAuthenticationSaslContinue_CarriesData() =>
        Assert.Equal(Segments.Hex("52 0000000B 0000000B 616263"), Segments.Written(w => BackendMessages.WriteAuthenticationSaslContinue(w, "abc"u8)));

    [Fact]
    public void WriteNegotiateProtocolVersion_ListsUnrecognizedOptions()
    {
        // 'v', length 4+4+4+"_pq_.x\0"(7) = 19, minor 0, one option
        var expected = Segments.Hex("76 00000013 00000000 00000001 5F70715F2E7800");
        Assert.Equal(expected, Segments.Written(w => BackendMessages.WriteNegotiateProtocolVersion(w, 0, ["_pq_.x"])));
    }

    [Fact]
    public void WriteParameterStatus_RoundTrips()
    {
        // 'S', length 25, "server_version" NUL "15.4" NUL
        var expected = Segments.Hex("53 00000018 7365727665725F76657273696F6E00 31352E3400");
        var bytes = Segments.Written(w => BackendMessages.WriteParameterStatus(w, "server_version", "15.4"));
        Assert.Equal(expected, bytes);
        foreach (var sequence in Segments.AllSplits(bytes))
        {
            var buffer = sequence;
            MessageFramer.TryReadFrame(ref buffer, 1024, out var frame);
            Assert.True(BackendReaders.TryReadParameterStatus(frame.Body, out var name, out var value));
            Assert.Equal(("server_version", "15.4"), (name, value));
        }
    }

    [Fact]
    public void WriteBackendKeyData_RoundTrips()
    {
        var bytes = Segments.Written(w => BackendMessages.WriteBackendKeyData(w, 0x11223344, unchecked((int)0xAABBCCDD)));
        Assert.Equal(Segments.Hex("4B 0000000C 11223344 AABBCCDD"), bytes);
        var buffer = Segments.Of(bytes);
        MessageFramer.TryReadFrame(ref buffer, 1024, out var frame);
        Assert.True(BackendReaders.TryReadBackendKeyData(frame.Body, out var pid, out var key));
        Assert.Equal((0x11223344, unchecked((int)0xAABBCCDD)), (pid, key));
    }

    [Theory]
    [InlineData(TransactionStatus.Idle, "5A 00000005 49")]
    [InlineData(TransactionStatus.InTransaction, "5A 00000005 54")]
    [InlineData(TransactionStatus.Failed, "5A 00000005 45")]
    public void WriteReadyForQuery_RoundTrips(TransactionStatus status, string hex)
    {
        var bytes = Segments.Written(w => BackendMessages.WriteReadyForQuery(w, status));
        Assert.Equal(Segments.Hex(hex), bytes);
        foreach (var sequence in Segments.AllSplits(bytes))
        {
            var buffer = sequence;
            MessageFramer.TryReadFrame(ref buffer, 1024, out var frame);
            Assert.Equal(status, BackendReaders.ReadyForQueryStatus(frame));
        }
    }

    [Fact]
    public void WriteCommandComplete_ProducesGoldenBytes() =>
        Assert.Equal(Segments.Hex("43 0000000D 53454C4543542031 00"), Segments.Written(w => BackendMessages.WriteCommandComplete(w, "SELECT 1")));

    [Fact]
    public void WriteErrorResponse_AllFieldsRoundTripInOrder()
    {
        var fields = new List<KeyValuePair<ErrorField, string>>();
        foreach (var field in Enum.GetValues<ErrorField>())
        {
            fields.Add(new(field, $"value of {field}"));
        }

        var bytes = Segments.Written(w => BackendMessages.WriteErrorResponse(w, new PostgresError(fields)));
        Assert.Equal((byte)'E', bytes[0]);
        foreach (var sequence in Segments.AllSplits(bytes))
        {
            var buffer = sequence;
            Assert.Equal(FrameStatus.Complete, MessageFramer.TryReadFrame(ref buffer, 1 << 16, out var frame));
            Assert.True(ErrorResponseReader.TryRead(frame.Body, out var error));
            Assert.Equal(fields, error!.Fields);
        }
    }

    [Fact]
    public void WriteErrorResponse_ProxyError_ProducesGoldenBytes()
    {
        // 'E', length 31: S "FATAL", V "FATAL", C "28P01", M "bad", terminator
        var expected = Segments.Hex("45 0000001F 53464154414C00 5646415441 4C00 43323850303100 4D62616400 00");
        var bytes = Segments.Written(w => BackendMessages.WriteErrorResponse(w, PostgresError.Fatal(SqlState.InvalidPassword, "bad")));
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void ErrorResponseReader_MissingTerminator_Fails()
    {
        Assert.False(ErrorResponseReader.TryRead(new ReadOnlySequence<byte>(Segments.Hex("4D626164")), out _));
        Assert.False(ErrorResponseReader.TryRead(new ReadOnlySequence<byte>(Segments.Hex("4D62616400")), out _));
    }

    [Fact]
    public void PostgresError_Properties_ReadFields()
    {
        var error = PostgresError.Error(SqlState.InsufficientPrivilege, "denied", "because", "ask");
        Assert.Equal(("ERROR", "42501", "denied", "because", "ask"), (error.Severity, error.SqlState, error.Message, error.Detail, error.Hint));
    }
}
