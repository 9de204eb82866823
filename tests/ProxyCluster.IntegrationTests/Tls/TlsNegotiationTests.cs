using System.Text;
using ProxyCluster.IntegrationTests.Fixtures;
using ProxyCluster.Protocol.Framing;

namespace ProxyCluster.IntegrationTests.Tls;

/// <summary>The bytes around the handshake, driven by hand: what no well-behaved driver would send.</summary>
[Collection(TlsProxyCollection.Name)]
public sealed class TlsNegotiationTests(TlsProxyFixture fixture)
{
    [Fact]
    public async Task SslRequest_AnsweredWithSThenTlsOffersScramPlus()
    {
        await using var probe = await TlsProbe.ConnectAsync(fixture.PreferPort);

        Assert.Equal('S', await probe.RequestSslAsync());
        await probe.HandshakeAsync(offerPostgresAlpn: false);
        await probe.SendAsync(TlsProbe.Startup(fixture.DefaultToken.User, TlsProxyFixture.AppDatabase));

        var sasl = await probe.ReadMessageAsync();
        Assert.Equal((byte)'R', sasl[0]);
        Assert.Equal("SCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0\0", Encoding.ASCII.GetString(sasl, 9, sasl.Length - 9));
        Assert.Equal(fixture.ProxyCa.Certificate.Subject, probe.ServerCertificate!.Issuer);
    }

    [Fact]
    public async Task StartupWithoutTls_OffersPlainScramOnly()
    {
        await using var probe = await TlsProbe.ConnectAsync(fixture.PreferPort);
        await probe.SendAsync(TlsProbe.Startup(fixture.DefaultToken.User, TlsProxyFixture.AppDatabase));

        var sasl = await probe.ReadMessageAsync();

        Assert.Equal((byte)'R', sasl[0]);
        Assert.Equal("SCRAM-SHA-256\0\0", Encoding.ASCII.GetString(sasl, 9, sasl.Length - 9));
    }

    [Fact]
    public async Task SslRequest_FollowedByPlaintextBeforeTheAnswer_Refused08P01()
    {
        // CVE-2021-23214: bytes sent before the handshake must not be read as if they came through it.
        await using var probe = await TlsProbe.ConnectAsync(fixture.PreferPort);

        await probe.SendAsync([.. TlsProbe.Request(StartupCodes.SslRequest), .. TlsProbe.Startup(fixture.DefaultToken.User, TlsProxyFixture.AppDatabase)]);
        var answer = await probe.ReadUntilClosedAsync();

        var error = Assert.Single(RawClient.ErrorsIn(answer));
        Assert.Equal("08P01", error.SqlState);
        Assert.Equal("received unencrypted data after SSL request", error.Message);
    }

    [Fact]
    public async Task GssEncRequestThenSslRequest_NThenS()
    {
        await using var probe = await TlsProbe.ConnectAsync(fixture.RequirePort);

        await probe.SendAsync(TlsProbe.Request(StartupCodes.GssEncRequest));
        Assert.Equal((byte)'N', await probe.ReadByteAsync());
        Assert.Equal('S', await probe.RequestSslAsync());
        await probe.HandshakeAsync();

        Assert.Equal("postgresql", probe.NegotiatedAlpn.ToString());
    }

    [Fact]
    public async Task DirectTls_WithPostgresAlpn_Accepted()
    {
        await using var probe = await TlsProbe.ConnectAsync(fixture.PreferPort);
        await probe.HandshakeAsync(offerPostgresAlpn: true);
        await probe.SendAsync(TlsProbe.Startup(fixture.DefaultToken.User, TlsProxyFixture.AppDatabase));

        var sasl = await probe.ReadMessageAsync();

        Assert.Equal((byte)'R', sasl[0]);
        Assert.Contains("SCRAM-SHA-256-PLUS", Encoding.ASCII.GetString(sasl), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DirectTls_WithoutAlpn_ClosedWithoutAnAnswer()
    {
        await using var probe = await TlsProbe.ConnectAsync(fixture.PreferPort);

        // The server may finish the handshake and then close, or fail it; either way no protocol message follows.
        try
        {
            await probe.HandshakeAsync(offerPostgresAlpn: false);
            await probe.SendAsync(TlsProbe.Startup(fixture.DefaultToken.User, TlsProxyFixture.AppDatabase));
            Assert.Empty(await probe.ReadUntilClosedAsync());
        }
        catch (Exception exception) when (exception is IOException or System.Security.Authentication.AuthenticationException)
        {
        }

        Assert.Contains(fixture.Logs.Lines, line => line.Contains("direct TLS connection without ALPN", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SslRequestInsideTls_RefusedAsProtocolViolation()
    {
        await using var probe = await TlsProbe.ConnectAsync(fixture.PreferPort);
        Assert.Equal('S', await probe.RequestSslAsync());
        await probe.HandshakeAsync();

        await probe.SendAsync(TlsProbe.Request(StartupCodes.SslRequest));
        var answer = await probe.ReadUntilClosedAsync();

        Assert.Equal("08P01", Assert.Single(RawClient.ErrorsIn(answer)).SqlState);
    }

    [Fact]
    public async Task CancelRequestWithoutTls_OnARequireListener_ClosedQuietly()
    {
        // As in PostgreSQL, a CancelRequest is not subject to the TLS rule (and is answered only by closing).
        await using var probe = await TlsProbe.ConnectAsync(fixture.RequirePort);
        var cancel = new byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(cancel, 16);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(cancel.AsSpan(4), StartupCodes.CancelRequest);

        await probe.SendAsync(cancel);

        Assert.Empty(await probe.ReadUntilClosedAsync());
    }
}
