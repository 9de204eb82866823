using ProxyCluster.Cli.Admin;
using ProxyCluster.Cli.Output;

namespace ProxyCluster.Cli.Commands.Tokens;

/// <summary>Tokens for people: a table for lists, label/value lines for one token, and the one-time display of a new secret.</summary>
internal static class TokenViewWriter
{
    public static void WriteTable(TextWriter output, IEnumerable<TokenView> tokens)
    {
        var table = new TableWriter("ID", "PRINCIPAL", "POLICY", "ROUTES", "STATUS", "EXPIRES", "ISSUED");
        foreach (var token in tokens)
        {
            table.AddRow(
                token.Id,
                token.Principal,
                token.Policy,
                Cell.Routes(token.Routes),
                token.Status,
                Cell.Time(token.ExpiresAt),
                Cell.Time(token.IssuedAt));
        }

        if (table.RowCount == 0)
        {
            output.WriteLine("No tokens.");
            return;
        }

        table.WriteTo(output);
    }

    public static void WriteDetails(TextWriter output, TokenView token)
    {
        var fields = new List<(string, string?)>
        {
            ("id", token.Id),
            ("user", token.User),
            ("principal", token.Principal),
            ("policy", token.Policy),
            ("routes", Cell.Routes(token.Routes)),
            ("status", token.Status),
            ("expires", Cell.Time(token.ExpiresAt)),
            ("issued", By(token.IssuedAt, token.IssuedBy)),
            ("updated", Cell.Time(token.UpdatedAt)),
            ("ended", By(token.EndedAt, token.EndedBy)),
            ("end reason", token.EndReason),
        };
        var secrets = token.Secrets ?? [];
        for (var i = 0; i < secrets.Count; i++)
        {
            fields.Add((i == 0 ? "secrets" : "", secrets[i].NotAfter is { } notAfter ? $"works until {Cell.Time(notAfter)}" : "current"));
        }

        fields.Add(("seq", Cell.Number(token.Seq)));
        TableWriter.WriteFields(output, fields);
    }

    /// <summary>The one and only display of a new token (create, rotate), with how to connect and what it may do.</summary>
    public static void WriteNewToken(TextWriter output, string token, TokenView view, string heading)
    {
        var user = view.User ?? "pct_" + view.Id;
        var database = view.Routes is { Count: > 0 } routes ? routes[0] : "DB";
        output.WriteLine($"{heading} (shown only now; it is stored nowhere, so keep it in a secret store):");
        output.WriteLine();
        output.WriteLine($"  {token}");
        output.WriteLine();
        output.WriteLine($"Connect as user {user} with the token as the password, e.g.");
        output.WriteLine($"  PGPASSWORD='<token>' psql \"host=PROXY user={user} dbname={database}\"");
        output.WriteLine();
        TableWriter.WriteFields(output,
        [
            ("  id", view.Id),
            ("  principal", view.Principal),
            ("  policy", view.Policy),
            ("  routes", Cell.Routes(view.Routes)),
            ("  expires", view.ExpiresAt is null ? "never" : Cell.Time(view.ExpiresAt)),
            ("  status", view.Status),
        ]);
    }

    private static string By(DateTimeOffset? at, string? actor) =>
        at is null ? Cell.None : actor is null ? Cell.Time(at) : $"{Cell.Time(at)} by {Cell.Text(actor)}";
}
