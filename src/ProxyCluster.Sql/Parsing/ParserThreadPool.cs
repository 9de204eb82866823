using System.Collections.Concurrent;
using ProxyCluster.Sql.Native;

namespace ProxyCluster.Sql.Parsing;

/// <summary>
/// A few long-lived threads with a large stack that run libpg_query. libpg_query recurses natively over
/// the parse tree and has no stack check of its own that covers that, so the stack it runs on is part of the
/// safety argument (see <see cref="QueryBounds"/>). Threads are reused: a parse costs a queue hop, not a
/// thread start, and libpg_query's per-thread memory context stays warm.
/// </summary>
internal sealed class ParserThreadPool : IDisposable
{
    private readonly BlockingCollection<ParseJob> _queue = new();
    private readonly Thread[] _threads;

    public ParserThreadPool(int threadCount, int stackSize)
    {
        _threads = new Thread[threadCount];
        for (var i = 0; i < threadCount; i++)
        {
            _threads[i] = new Thread(RunLoop, stackSize)
            {
                IsBackground = true,
                Name = $"pg_query parser {i}",
            };
            _threads[i].Start();
        }
    }

    /// <summary>Parses on a parser thread and blocks the caller until done.</summary>
    public NativeParseOutput Parse(byte[] nulTerminatedUtf8) =>
        Enqueue(nulTerminatedUtf8).GetAwaiter().GetResult();

    public Task<NativeParseOutput> ParseAsync(byte[] nulTerminatedUtf8) => Enqueue(nulTerminatedUtf8);

    public void Dispose()
    {
        if (_queue.IsAddingCompleted)
        {
            return;
        }

        _queue.CompleteAdding();
        foreach (var thread in _threads)
        {
            thread.Join();
        }

        _queue.Dispose();
    }

    private Task<NativeParseOutput> Enqueue(byte[] input)
    {
        var job = new ParseJob(input);
        _queue.Add(job);
        return job.Completion.Task;
    }

    private void RunLoop()
    {
        foreach (var job in _queue.GetConsumingEnumerable())
        {
            try
            {
                job.Completion.SetResult(PgQuery.Run(job.Input));
            }
            catch (Exception ex)
            {
                // Hand the failure to the waiting caller; the parser thread itself must stay alive.
                job.Completion.SetException(ex);
            }
        }
    }

    private sealed class ParseJob(byte[] input)
    {
        public byte[] Input { get; } = input;

        public TaskCompletionSource<NativeParseOutput> Completion { get; } =
            new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
