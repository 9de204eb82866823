using System.CommandLine;
using System.Text.Json.Nodes;
using ProxyCluster.Cli.Admin;
using ProxyCluster.Cli.Output;

namespace ProxyCluster.Cli.Commands.Tokens;

/// <summary><c>proxyctl token list</c>: every token the node's replica knows (<c>GET /v1/tokens</c>), optionally of one status.</summary>
internal static class TokenListCommand
{
    public const string AllStatuses = "all";

    public static Command Create(GlobalOptions global, CliEnvironment environment)
    {
        var status = new Option<string>("--status")
        {
            Description = "Only tokens in this state.",
            DefaultValueFactory = _ => AllStatuses,
        };
        status.AcceptOnlyFromAmong("active", "revoked", "expired", AllStatuses);

        var command = new Command("list", "List tokens: id, principal, policy, routes (* = every route), status, expiry. Never a secret.")
        {
            status,
        };
        command.SetAction((parseResult, cancellation) => AdminCall.RunAsync(
            parseResult, global, environment, call => RunAsync(call, parseResult.GetRequiredValue(status)), cancellation));
        return command;
    }

    private static async Task<int> RunAsync(AdminCall call, string status)
    {
        var result = await call.Client.GetAsync("v1/tokens", call.Cancellation).ConfigureAwait(false);
        if (!result.TryRead(AdminJsonContext.Default.TokenListResponse, out var list, out var failure))
        {
            return call.Fail(failure);
        }

        if (call.Json)
        {
            return status == AllStatuses ? call.WriteJson(result.Body!) : WriteFilteredJson(call, result.Body!, status);
        }

        TokenViewWriter.WriteTable(call.Output, status == AllStatuses ? list.Tokens : list.Tokens.Where(token => token.Status == status));
        return ExitCodes.Ok;
    }

    /// <summary>The node's answer with the other tokens taken out; everything else in it is kept as it came.</summary>
    private static int WriteFilteredJson(AdminCall call, string body, string status)
    {
        var answer = JsonNode.Parse(body)!.AsObject();
        if (answer["tokens"] is JsonArray tokens)
        {
            for (var i = tokens.Count - 1; i >= 0; i--)
            {
                if (tokens[i]?["status"] is not JsonValue value || !value.TryGetValue<string>(out var tokenStatus) || tokenStatus != status)
                {
                    tokens.RemoveAt(i);
                }
            }
        }

        call.Output.WriteLine(JsonText.Compact(answer));
        return ExitCodes.Ok;
    }
}
