using System.CommandLine;
using ProxyCluster.Cli.Admin;

namespace ProxyCluster.Cli.Commands.Tokens;

/// <summary>
/// <c>proxyctl token update ID</c>: change a token's policy, routes or expiry (<c>POST /v1/tokens/{id}/scopes</c>).
/// Only what is given changes; live sessions are held to the new scopes.
/// </summary>
internal static class TokenUpdateCommand
{
    public static Command Create(GlobalOptions global, CliEnvironment environment)
    {
        var id = TokenIdArgument.Create();
        var policy = TokenOptions.Policy("A new policy: a policy name the nodes know, or a policy document file (YAML or JSON).");
        var routes = TokenOptions.Routes("The upstream databases the token may connect to from now on, replacing the current ones. Repeat for several.");
        var expiresIn = TokenOptions.ExpiresIn($"Expire the token this long from now: {CommandLineParsers.DurationHelp}.");
        var noExpiry = new Option<bool>("--no-expiry") { Description = "Remove the token's expiry: it lives until revoked." };
        var actor = CommonOptions.Actor();

        var command = new Command("update", "Change a token's policy, routes or expiry; what is not given stays as it is.")
        {
            id,
            policy,
            routes,
            expiresIn,
            noExpiry,
            actor,
        };
        command.Validators.Add(result =>
        {
            var hasExpiresIn = result.GetResult(expiresIn) is { Implicit: false };
            var hasNoExpiry = result.GetValue(noExpiry);
            if (hasExpiresIn && hasNoExpiry)
            {
                result.AddError("--expires-in and --no-expiry contradict each other: give one.");
            }
            else if (!hasExpiresIn && !hasNoExpiry && result.GetResult(policy) is null && result.GetResult(routes) is null)
            {
                result.AddError("nothing to change: give --policy, --route, --expires-in or --no-expiry.");
            }
        });
        command.SetAction((parseResult, cancellation) => AdminCall.RunAsync(parseResult, global, environment, call => RunAsync(
            call,
            parseResult.GetRequiredValue(id),
            parseResult.GetValue(policy),
            parseResult.GetResult(routes) is null ? null : parseResult.GetValue(routes) ?? [],
            parseResult.GetValue(expiresIn),
            parseResult.GetValue(noExpiry),
            parseResult.GetValue(actor)), cancellation));
        return command;
    }

    private static async Task<int> RunAsync(
        AdminCall call,
        string id,
        string? policyValue,
        IReadOnlyList<string>? routes,
        TimeSpan? expiresIn,
        bool noExpiry,
        string? actor)
    {
        if (!ScopeArguments.TryResolve(call, policyValue, expiresIn, out var policy, out var expiresAt, out var failed))
        {
            return failed;
        }

        var request = new ChangeScopesRequest(policy?.Name, policy?.Document, routes, expiresAt, noExpiry ? true : null, actor);
        var result = await call.Client.PostAsync($"v1/tokens/{id}/scopes", request, AdminJsonContext.Default.ChangeScopesRequest, call.Cancellation)
            .ConfigureAwait(false);
        if (!result.TryRead(AdminJsonContext.Default.TokenView, out var token, out var failure))
        {
            return call.Fail(failure);
        }

        if (call.Json)
        {
            return call.WriteJson(result.Body!);
        }

        call.Output.WriteLine($"Updated token {id}:");
        TokenViewWriter.WriteDetails(call.Output, token);
        return ExitCodes.Ok;
    }
}
