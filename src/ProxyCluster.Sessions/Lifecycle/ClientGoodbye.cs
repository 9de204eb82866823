using System.IO.Pipelines;
using ProxyCluster.Protocol.Backend;
using ProxyCluster.Protocol.Errors;

namespace ProxyCluster.Sessions.Lifecycle;

/// <summary>Writes the last message a client gets (a FATAL error) without letting a client that stopped reading hold the session.</summary>
public static class ClientGoodbye
{
    public static async ValueTask SendAsync(PipeWriter output, PostgresError error, TimeSpan timeout)
    {
        try
        {
            BackendMessages.WriteErrorResponse(output, error);
            using var cancel = new CancellationTokenSource(timeout);
            await output.FlushAsync(cancel.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The client is gone or not reading; closing the connection is all that is left to do.
        }
    }
}
