using System.IO.Pipelines;

namespace ProxyCluster.Sessions;

/// <summary>
/// An accepted client connection as the session needs it: its byte pipes and what the listener knows about it.
/// The host fills this in from Kestrel (or a test from an in-memory pipe).
/// </summary>
/// <param name="CleartextAllowed">True on TLS connections and on listeners explicitly marked insecure for local development.</param>
public sealed record ClientConnection(IDuplexPipe Transport, string RemoteAddress, bool IsSecure, bool CleartextAllowed);
