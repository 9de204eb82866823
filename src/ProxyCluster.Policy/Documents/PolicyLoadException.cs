namespace ProxyCluster.Policy;

/// <summary>A policy document could not be read or is not valid. The message says where and why.</summary>
public sealed class PolicyLoadException : Exception
{
    public PolicyLoadException()
    {
    }

    public PolicyLoadException(string message)
        : base(message)
    {
    }

    public PolicyLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
