using System.Buffers;
using System.Text;
using ProxyCluster.Protocol.Framing;

namespace ProxyCluster.Protocol.Frontend;

/// <summary>
/// A StartupMessage's parameters: name/value C-string pairs ended by an empty name. <c>user</c> is required;
/// <c>database</c> defaults to the user, as the server does it.
/// </summary>
public sealed class StartupMessage
{
    private StartupMessage(int protocolVersion, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        ProtocolVersion = protocolVersion;
        Parameters = parameters;
    }

    public int ProtocolVersion { get; }

    /// <summary>In the order the client sent them; names are unique.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; }

    public string User => Get("user") ?? string.Empty;

    public string Database => Get("database") is { Length: > 0 } database ? database : User;

    public string? Get(string name)
    {
        foreach (var pair in Parameters)
        {
            if (pair.Key == name)
            {
                return pair.Value;
            }
        }

        return null;
    }

    /// <summary>Returns an error text (for a 08P01) instead of a message when the packet is malformed.</summary>
    public static StartupMessage? TryParse(in StartupFrame frame, out string? error)
    {
        error = null;
        var parameters = new List<KeyValuePair<string, string>>();
        var reader = new SequenceReader<byte>(frame.Body);
        while (true)
        {
            if (!reader.TryReadTo(out ReadOnlySequence<byte> name, 0))
            {
                error = "invalid startup packet layout: expected terminator as last byte";
                return null;
            }

            if (name.IsEmpty)
            {
                break;
            }

            if (!reader.TryReadTo(out ReadOnlySequence<byte> value, 0))
            {
                error = "invalid startup packet layout: expected terminator as last byte";
                return null;
            }

            var key = Encoding.UTF8.GetString(name);
            foreach (var existing in parameters)
            {
                if (existing.Key == key)
                {
                    error = $"duplicate startup parameter \"{key}\"";
                    return null;
                }
            }

            parameters.Add(new(key, Encoding.UTF8.GetString(value)));
        }

        if (!reader.End)
        {
            error = "invalid startup packet layout: expected terminator as last byte";
            return null;
        }

        var message = new StartupMessage(frame.Code, parameters);
        if (message.User.Length == 0)
        {
            error = "no PostgreSQL user name specified in startup packet";
            return null;
        }

        return message;
    }
}
