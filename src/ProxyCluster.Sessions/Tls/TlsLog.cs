using System.Net.Security;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;

namespace ProxyCluster.Sessions.Tls;

/// <summary>Log lines of the encryption step: addresses, protocol versions and reasons, never key material.</summary>
internal static partial class TlsLog
{
    [LoggerMessage(EventId = 310, Level = LogLevel.Debug, Message = "TLS from {ClientAddress}: {Protocol} {CipherSuite} ({Negotiation})")]
    public static partial void Established(ILogger logger, string clientAddress, SslProtocols protocol, TlsCipherSuite cipherSuite, string negotiation);

    [LoggerMessage(EventId = 311, Level = LogLevel.Information, Message = "TLS handshake with {ClientAddress} failed: {Reason}")]
    public static partial void HandshakeFailed(ILogger logger, string clientAddress, string reason);

    [LoggerMessage(EventId = 312, Level = LogLevel.Information, Message = "connection from {ClientAddress} refused before TLS: {SqlState} {Message}")]
    public static partial void Refused(ILogger logger, string clientAddress, string sqlState, string message);
}
