using System.CommandLine;
using ProxyCluster.Cli.Admin;

namespace ProxyCluster.Cli.Commands.Audit;

/// <summary>
/// <c>proxyctl audit tail</c>: the last records, oldest first; with <c>--follow</c> it then asks every
/// <see cref="PollInterval"/> for the records after the last one seen (<c>after=last_id</c>) and prints them as they
/// come, until Ctrl-C or SIGTERM. Ids become visible in increasing order, so following by id misses nothing. While the
/// node or its store cannot be reached it says so once and keeps asking.
/// </summary>
internal static class AuditTailCommand
{
    public const int DefaultLimit = 20;

    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public static Command Create(GlobalOptions global, CliEnvironment environment)
    {
        var token = AuditOptions.Token();
        var follow = new Option<bool>("--follow", "-f")
        {
            Description = $"Keep printing new records as they are written (asking every {PollInterval.TotalMilliseconds:0} ms) until Ctrl-C.",
        };
        var limit = AuditOptions.Limit(DefaultLimit, "How many of the last records to print first");
        var command = new Command(
            "tail",
            "Print the audit trail's last records, oldest first, and with --follow the new ones as they come. " +
            "With --json, one JSON object per record per line.")
        {
            token,
            follow,
            limit,
        };
        command.SetAction((parseResult, cancellation) => AdminCall.RunAsync(
            parseResult,
            global,
            environment,
            call => RunAsync(call, parseResult.GetValue(token), parseResult.GetValue(limit), parseResult.GetValue(follow)),
            cancellation));
        return command;
    }

    private static async Task<int> RunAsync(AdminCall call, string? tokenId, int limit, bool follow)
    {
        var printer = new AuditRecordPrinter(call.Output, call.Json);
        long cursor;
        try
        {
            var result = await call.Client.GetAsync(new AuditQuery { TokenId = tokenId, Limit = limit }.ToPath(), call.Cancellation).ConfigureAwait(false);
            if (!result.TryRead(AuditJsonContext.Default.AuditSearchResponse, out var last, out var failure))
            {
                return call.Fail(failure);
            }

            // The node answers newest first; a tail reads oldest first.
            if (!printer.TryPrint([.. last.Records.Reverse()], out failure))
            {
                return call.Fail(failure!);
            }

            if (!follow)
            {
                if (!call.Json && last.Records.Count == 0)
                {
                    call.Output.WriteLine("No audit records yet.");
                }

                return ExitCodes.Ok;
            }

            cursor = last.LastId ?? 0;
            return await FollowAsync(call, printer, tokenId, cursor).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (call.Cancellation.IsCancellationRequested)
        {
            // Ctrl-C or SIGTERM: the usual way to stop following, not a failure.
            return ExitCodes.Ok;
        }
    }

    private static async Task<int> FollowAsync(AdminCall call, AuditRecordPrinter printer, string? tokenId, long cursor)
    {
        string? outage = null;
        while (true)
        {
            await Task.Delay(PollInterval, call.Environment.Time, call.Cancellation).ConfigureAwait(false);

            // A full page means more may be waiting: read on at once until the node has no more.
            int count;
            do
            {
                var query = new AuditQuery { TokenId = tokenId, AfterId = cursor, Limit = AuditOptions.MaxLimit };
                var result = await call.Client.GetAsync(query.ToPath(), call.Cancellation).ConfigureAwait(false);
                if (!result.TryRead(AuditJsonContext.Default.AuditSearchResponse, out var page, out var failure))
                {
                    if (failure.ExitCode != ExitCodes.Unavailable)
                    {
                        return call.Fail(failure);
                    }

                    if (outage is null)
                    {
                        call.Error.WriteLine($"proxyctl: warning: {failure.Message}; still trying.");
                    }

                    outage = failure.Message;
                    break;
                }

                if (outage is not null)
                {
                    call.Error.WriteLine("proxyctl: the audit trail can be read again.");
                    outage = null;
                }

                if (!printer.TryPrint(page.Records, out failure))
                {
                    return call.Fail(failure!);
                }

                cursor = page.LastId ?? cursor;
                count = page.Records.Count;
                await call.Output.FlushAsync(call.Cancellation).ConfigureAwait(false);
            }
            while (count == AuditOptions.MaxLimit);
        }
    }
}
