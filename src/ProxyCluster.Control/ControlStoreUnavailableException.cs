namespace ProxyCluster.Control;

/// <summary>
/// The control store cannot be reached (refused, timed out, shut down, authentication failed). Nothing is known to
/// have changed, unless <see cref="OutcomeUnknown"/>: the admin API answers 503 and a node keeps serving its last
/// replicated state. The message names <see cref="Endpoint"/> (<c>host:port/database</c>), never credentials.
/// </summary>
public sealed class ControlStoreUnavailableException : Exception
{
    public ControlStoreUnavailableException(string endpoint, Exception innerException)
        : base($"the control store at {endpoint} is unreachable: {ControlStoreErrors.Describe(innerException)}", innerException)
    {
        Endpoint = endpoint;
    }

    public string Endpoint { get; }

    /// <summary>
    /// The connection was lost while a transaction was being committed: the server may have committed it before
    /// the connection went, and nothing here can tell. The caller must not say "nothing was changed".
    /// </summary>
    public bool OutcomeUnknown { get; init; }
}
