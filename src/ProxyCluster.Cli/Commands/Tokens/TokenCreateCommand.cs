using System.CommandLine;
using ProxyCluster.Cli.Admin;
using ProxyCluster.Tokens;
using ProxyCluster.Tokens.Journal;

namespace ProxyCluster.Cli.Commands.Tokens;

/// <summary>
/// <c>proxyctl token create</c>: mints a token here, registers only its verifiers with the cluster
/// (<c>POST /v1/tokens</c>) and prints the token once. The token never crosses the network.
/// </summary>
internal static class TokenCreateCommand
{
    public static Command Create(GlobalOptions global, CliEnvironment environment)
    {
        var principal = new Option<string>("--principal")
        {
            Description = "Who the token speaks for, a person or a service (shown in sessions and audit).",
            HelpName = "NAME",
            Required = true,
        };
        principal.Validators.Add(CommandLineParsers.RequireText);

        var policy = TokenOptions.Policy("The policy applied to the token's statements: a policy name the nodes know, " +
            "or a policy document file (YAML or JSON) the token carries. Default: the nodes' default policy.");
        var routes = TokenOptions.Routes("An upstream database the token may connect to. Repeat for several; omit for every route.");
        var expiresIn = TokenOptions.ExpiresIn($"Expire the token this long from now: {CommandLineParsers.DurationHelp}. Default: never.");
        var actor = CommonOptions.Actor();

        var command = new Command(
            "create",
            "Create a token: mint it here, register its verifiers with the cluster, print it once. The node never " +
            "sees the token; keep it, it is stored nowhere.")
        {
            principal,
            policy,
            routes,
            expiresIn,
            actor,
        };

        command.SetAction((parseResult, cancellation) => AdminCall.RunAsync(parseResult, global, environment, call => RunAsync(
            call,
            parseResult.GetRequiredValue(principal),
            parseResult.GetValue(policy),
            parseResult.GetValue(routes) ?? [],
            parseResult.GetValue(expiresIn),
            parseResult.GetValue(actor)), cancellation));
        return command;
    }

    private static async Task<int> RunAsync(
        AdminCall call,
        string principal,
        string? policyValue,
        IReadOnlyList<string> routes,
        TimeSpan? expiresIn,
        string? actor)
    {
        if (!ScopeArguments.TryResolve(call, policyValue, expiresIn, out var policy, out var expiresAt, out var failed))
        {
            return failed;
        }

        var token = ApiToken.Mint(out var id);
        var request = new CreateTokenRequest(
            id,
            principal,
            policy?.Name,
            policy?.Document,
            routes.Count > 0 ? routes : null,
            expiresAt,
            TokenSecretPayload.From(TokenSecretVerifier.Create(token)),
            actor);

        var result = await call.Client.PostAsync("v1/tokens", request, AdminJsonContext.Default.CreateTokenRequest, call.Cancellation)
            .ConfigureAwait(false);
        if (!result.TryRead(AdminJsonContext.Default.TokenView, out var view, out var failure))
        {
            return call.Fail(failure); // the token is dropped unseen: nothing registered it, or nothing can be sure it did
        }

        if (view.Id != id)
        {
            return call.Fail(AdminFailure.Failure($"the node registered token {view.Id}, not the {id} proxyctl minted; not printing it"));
        }

        var user = ApiToken.UserNameFor(id);
        if (call.Json)
        {
            call.Output.WriteLine(NewTokenJson.Create(token, id, user, result.Body!));
        }
        else
        {
            TokenViewWriter.WriteNewToken(call.Output, token, view, "Token");
        }

        return ExitCodes.Ok;
    }
}
