namespace ProxyCluster.Node.Hosting;

/// <summary>
/// Runs socket completions on the epoll threads instead of queueing each one to the thread pool. A relay does a few
/// microseconds of work per read, so the hand-off (a futex wake and a spinning worker) would cost more than the
/// work: measured with pgbench -S -M prepared on 2 cores, CPU per transaction fell from ~72 µs to ~44 µs. The price
/// is that nothing on a socket continuation may block; slow work (SQL parsing) runs on threads of its own.
/// The runtime reads the switch once, when the first socket is created, so it must be set before that.
/// </summary>
public static class SocketTuning
{
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static void Apply()
    {
        if (Environment.GetEnvironmentVariable(InlineCompletionsVariable) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
        }
    }
}
