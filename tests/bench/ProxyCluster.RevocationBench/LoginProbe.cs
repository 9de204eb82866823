using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ProxyCluster.RevocationBench;

/// <summary>
/// Asks a node, at the protocol level, whether it still honours a token, without completing a login (which would
/// also open an upstream connection and make every probe as slow as a PostgreSQL backend start). A node that
/// knows the token asks for SCRAM; one that does not (it was revoked) asks for a cleartext password on this
/// development listener, and the probe then presents the token and expects the 28P01 refusal a client would get.
/// </summary>
internal static class LoginProbe
{
    private const int ProtocolVersion3 = 196608;
    private const int AuthenticationCleartextPassword = 3;
    private const int AuthenticationSasl = 10;

    /// <summary>True when the node refused the token with 28P01; false while it still offers SCRAM for it.</summary>
    public static async Task<bool> IsRefusedAsync(int port, string user, string token, string database)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Startup(user, database));

        var (code, body) = await ReadMessageAsync(stream);
        if (code != 'R')
        {
            throw new InvalidOperationException($"unexpected first message '{(char)code}' from port {port}");
        }

        var request = BinaryPrimitives.ReadInt32BigEndian(body);
        if (request == AuthenticationSasl)
        {
            return false;
        }

        if (request != AuthenticationCleartextPassword)
        {
            throw new InvalidOperationException($"unexpected authentication request {request} from port {port}");
        }

        await stream.WriteAsync(PasswordMessage(token));
        (code, body) = await ReadMessageAsync(stream);
        return code == 'E' && SqlStateOf(body) == "28P01"
            ? true
            : throw new InvalidOperationException($"port {port} did not refuse an unknown token with 28P01");
    }

    private static byte[] Startup(string user, string database)
    {
        var parameters = Encoding.UTF8.GetBytes($"user\0{user}\0database\0{database}\0\0");
        var message = new byte[4 + 4 + parameters.Length];
        BinaryPrimitives.WriteInt32BigEndian(message, message.Length);
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(4), ProtocolVersion3);
        parameters.CopyTo(message, 8);
        return message;
    }

    private static byte[] PasswordMessage(string password)
    {
        var text = Encoding.UTF8.GetBytes(password + "\0");
        var message = new byte[1 + 4 + text.Length];
        message[0] = (byte)'p';
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(1), 4 + text.Length);
        text.CopyTo(message, 5);
        return message;
    }

    private static async Task<(byte Code, byte[] Body)> ReadMessageAsync(NetworkStream stream)
    {
        var header = new byte[5];
        await stream.ReadExactlyAsync(header);
        var body = new byte[BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1)) - 4];
        await stream.ReadExactlyAsync(body);
        return (header[0], body);
    }

    private static string? SqlStateOf(byte[] errorBody)
    {
        var i = 0;
        while (i < errorBody.Length && errorBody[i] != 0)
        {
            var type = errorBody[i++];
            var end = Array.IndexOf(errorBody, (byte)0, i);
            if (type == (byte)'C')
            {
                return Encoding.UTF8.GetString(errorBody, i, end - i);
            }

            i = end + 1;
        }

        return null;
    }
}
