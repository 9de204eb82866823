using System.CommandLine;
using ProxyCluster.Cli.Admin;
using ProxyCluster.Cli.Output;
using ProxyCluster.Tokens;
using ProxyCluster.Tokens.Journal;

namespace ProxyCluster.Cli.Commands.Tokens;

/// <summary>
/// <c>proxyctl token rotate ID</c>: a new secret for the same id (so the same user name). The token's SCRAM salt and
/// iteration count are read first (<c>GET /v1/tokens/{id}</c>): every secret of a token must share them, since a
/// SCRAM server announces one salt per user. Only the new verifiers are sent (<c>POST /v1/tokens/{id}/rotate</c>).
/// </summary>
internal static class TokenRotateCommand
{
    public static Command Create(GlobalOptions global, CliEnvironment environment)
    {
        var id = TokenIdArgument.Create();
        var overlap = new Option<TimeSpan>("--overlap")
        {
            Description = $"Keep the previous secret working this long, to roll the new one out: 0 or {CommandLineParsers.DurationHelp}. " +
                "Default: 1h, so clients can switch without downtime; 0 stops the previous secret at once (a leaked one).",
            HelpName = "DURATION",
            CustomParser = CommandLineParsers.ParseDurationOrZero,
            DefaultValueFactory = _ => TimeSpan.FromHours(1),
        };
        var actor = CommonOptions.Actor();

        var command = new Command(
            "rotate",
            "Give a token a new secret, minted here and printed once; id, user name and scopes stay. The node never sees the token.")
        {
            id,
            overlap,
            actor,
        };
        command.SetAction((parseResult, cancellation) => AdminCall.RunAsync(parseResult, global, environment, call => RunAsync(
            call,
            parseResult.GetRequiredValue(id),
            parseResult.GetValue(overlap),
            parseResult.GetValue(actor)), cancellation));
        return command;
    }

    private static async Task<int> RunAsync(AdminCall call, string id, TimeSpan overlap, string? actor)
    {
        var current = await call.Client.GetAsync($"v1/tokens/{id}", call.Cancellation).ConfigureAwait(false);
        if (!current.TryRead(AdminJsonContext.Default.TokenView, out var before, out var failure))
        {
            return call.Fail(failure);
        }

        if (!TryDecodeSalt(before, out var salt, out var iterations))
        {
            return call.Fail(AdminFailure.Failure($"the node's view of token {id} has no usable scram_salt and scram_iterations"));
        }

        var token = ApiToken.MintWithId(id);
        var request = new RotateTokenRequest(
            TokenSecretPayload.From(TokenSecretVerifier.Create(token, salt, iterations)),
            (long)overlap.TotalSeconds,
            actor);
        var result = await call.Client.PostAsync($"v1/tokens/{id}/rotate", request, AdminJsonContext.Default.RotateTokenRequest, call.Cancellation)
            .ConfigureAwait(false);
        if (!result.TryRead(AdminJsonContext.Default.TokenView, out var after, out failure))
        {
            return call.Fail(failure);
        }

        if (call.Json)
        {
            call.Output.WriteLine(NewTokenJson.Create(token, id, ApiToken.UserNameFor(id), result.Body!));
            return ExitCodes.Ok;
        }

        TokenViewWriter.WriteNewToken(call.Output, token, after, "New token");
        var previousUntil = after.Secrets?.Where(secret => secret.NotAfter is not null).Max(secret => secret.NotAfter);
        call.Output.WriteLine();
        call.Output.WriteLine(previousUntil is { } until && until > call.Environment.Time.GetUtcNow()
            ? $"The previous secret keeps working until {Cell.Time(until)}."
            : "The previous secret no longer works.");
        return ExitCodes.Ok;
    }

    private static bool TryDecodeSalt(TokenView token, out byte[] salt, out int iterations)
    {
        salt = [];
        iterations = token.ScramIterations ?? 0;
        if (token.ScramSalt is not { Length: > 0 } text || iterations <= 0)
        {
            return false;
        }

        try
        {
            salt = Convert.FromBase64String(text);
            return salt.Length > 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
