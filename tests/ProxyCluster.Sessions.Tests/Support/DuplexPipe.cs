using System.IO.Pipelines;

namespace ProxyCluster.Sessions.Tests.Support;

internal sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe
{
    /// <summary>Continuations run on the thread that completed the read or flush, so a write is processed before it returns.</summary>
    public static readonly PipeOptions Inline = new(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false);

    public static readonly PipeOptions ThreadPool = new(useSynchronizationContext: false);
}
