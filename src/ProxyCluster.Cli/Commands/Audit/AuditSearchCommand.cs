using System.CommandLine;
using ProxyCluster.Cli.Admin;

namespace ProxyCluster.Cli.Commands.Audit;

/// <summary>
/// <c>proxyctl audit search</c> (<c>GET /v1/audit</c>): the newest records matching every filter given, newest
/// first. When the limit is reached a note on stderr says the answer may be cut.
/// </summary>
internal static class AuditSearchCommand
{
    public const int DefaultLimit = 100;

    public static Command Create(GlobalOptions global, CliEnvironment environment)
    {
        var token = AuditOptions.Token();
        var table = new Option<string?>("--table")
        {
            Description = "Only statements touching this table: schema.table, or a bare table in any schema (case-insensitive). " +
                "A qualified name also finds statements that named the table without a schema.",
            HelpName = "NAME",
        };
        table.Validators.Add(CommandLineParsers.RequireText);
        var decision = new Option<string?>("--decision") { Description = "Only statements the policy allowed, or denied." };
        decision.AcceptOnlyFromAmong("allow", "deny");
        var type = new Option<string?>("--type") { Description = "Only session events (connect, authenticate, refuse, terminate), or only statements." };
        type.AcceptOnlyFromAmong("session", "statement");
        var since = AuditOptions.Time("--since", "Only records at or after this time", environment);
        var until = AuditOptions.Time("--until", "Only records before this time", environment);
        var limit = AuditOptions.Limit(DefaultLimit, "At most this many records, the newest");

        var command = new Command(
            "search",
            "Search the cluster's audit trail in the control store: who connected, ran what against which tables, what the " +
            "proxy decided and why. Newest first. With --json, one JSON object per record per line.")
        {
            token,
            table,
            decision,
            type,
            since,
            until,
            limit,
        };
        command.SetAction((parseResult, cancellation) => AdminCall.RunAsync(
            parseResult,
            global,
            environment,
            call => RunAsync(call, new AuditQuery
            {
                TokenId = parseResult.GetValue(token),
                Table = parseResult.GetValue(table)?.Trim(),
                Decision = parseResult.GetValue(decision),
                Type = parseResult.GetValue(type),
                Since = parseResult.GetValue(since),
                Until = parseResult.GetValue(until),
                Limit = parseResult.GetValue(limit),
            }),
            cancellation));
        return command;
    }

    private static async Task<int> RunAsync(AdminCall call, AuditQuery query)
    {
        if (query.Since is { } since && query.Until is { } until && since >= until)
        {
            return call.Fail(AdminFailure.Usage("--since must be before --until."));
        }

        var result = await call.Client.GetAsync(query.ToPath(), call.Cancellation).ConfigureAwait(false);
        if (!result.TryRead(AuditJsonContext.Default.AuditSearchResponse, out var answer, out var failure))
        {
            return call.Fail(failure);
        }

        var printer = new AuditRecordPrinter(call.Output, call.Json);
        if (!printer.TryPrint(answer.Records, out failure))
        {
            return call.Fail(failure!);
        }

        if (!call.Json)
        {
            if (answer.Records.Count == 0)
            {
                call.Output.WriteLine("No audit records match.");
            }
            else if (answer.Records.Count == query.Limit)
            {
                call.Error.WriteLine($"proxyctl: showing the newest {query.Limit}; there may be more: narrow the search or raise --limit.");
            }
        }

        return ExitCodes.Ok;
    }
}
