namespace ProxyCluster.Protocol.Scram;

/// <summary>Outcome of one step of a SCRAM exchange. Expected failures are values, never exceptions.</summary>
public enum ScramResult
{
    /// <summary>The step succeeded and the exchange expects another client message.</summary>
    Continue,
    /// <summary>The client proved knowledge of the password; send the server-final-message.</summary>
    Success,
    /// <summary>Well-formed but wrong: bad proof, nonce or channel binding, unknown user.</summary>
    Failed,
    /// <summary>The message does not follow the SCRAM grammar (or uses a feature we do not offer).</summary>
    Malformed,
}
