namespace ProxyCluster.Protocol.Framing;

/// <summary>
/// Type bytes of messages a client sends after startup (PostgreSQL protocol 3.0, "Message Formats").
/// The same byte means something else from the server, hence the separate <see cref="BackendCode"/>.
/// </summary>
public enum FrontendCode : byte
{
    Bind = (byte)'B',
    Close = (byte)'C',
    CopyData = (byte)'d',
    CopyDone = (byte)'c',
    CopyFail = (byte)'f',
    Describe = (byte)'D',
    Execute = (byte)'E',
    Flush = (byte)'H',
    FunctionCall = (byte)'F',
    Parse = (byte)'P',
    /// <summary>PasswordMessage, SASLInitialResponse, SASLResponse and GSSResponse all share 'p'; the auth state tells them apart.</summary>
    Password = (byte)'p',
    Query = (byte)'Q',
    Sync = (byte)'S',
    Terminate = (byte)'X',
}
