using System.CommandLine;
using ProxyCluster.Cli.Admin;
using ProxyCluster.Cli.Connection;
using ProxyCluster.Cli.Output;

namespace ProxyCluster.Cli.Commands;

/// <summary>
/// One admin command's run: the resolved node and client, where to write, whether to write JSON. Built by
/// <see cref="RunAsync"/>, which resolves the connection first, so every command fails the same way without one.
/// </summary>
internal sealed class AdminCall
{
    private AdminCall(AdminClient client, CliEnvironment environment, TextWriter output, TextWriter error, bool json, CancellationToken cancellation)
    {
        Client = client;
        Environment = environment;
        Output = output;
        Error = error;
        Json = json;
        Cancellation = cancellation;
    }

    public AdminClient Client { get; }

    public CliEnvironment Environment { get; }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    public bool Json { get; }

    public CancellationToken Cancellation { get; }

    public static async Task<int> RunAsync(
        ParseResult parseResult,
        GlobalOptions global,
        CliEnvironment environment,
        Func<AdminCall, Task<int>> run,
        CancellationToken cancellation)
    {
        var console = parseResult.InvocationConfiguration;
        if (!ConnectionResolver.TryResolve(
                parseResult.GetValue(global.Node),
                parseResult.GetValue(global.AdminTokenFile),
                environment,
                out var connection,
                out var failure))
        {
            return Fail(console.Error, failure);
        }

        using var client = new AdminClient(connection);
        var call = new AdminCall(client, environment, console.Output, console.Error, parseResult.GetValue(global.Json), cancellation);
        return await run(call).ConfigureAwait(false);
    }

    /// <summary>Writes <c>proxyctl: &lt;message&gt;</c> to stderr and returns the failure's exit code.</summary>
    public int Fail(AdminFailure failure) => Fail(Error, failure);

    /// <summary>Prints a successful answer for scripts, on one line.</summary>
    public int WriteJson(string body)
    {
        Output.WriteLine(JsonText.Compact(body));
        return ExitCodes.Ok;
    }

    public static int Fail(TextWriter error, AdminFailure failure)
    {
        error.WriteLine($"proxyctl: {failure.Message}");
        return failure.ExitCode;
    }
}
