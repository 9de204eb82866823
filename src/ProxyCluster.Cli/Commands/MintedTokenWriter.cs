using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ProxyCluster.Cli.Commands;

/// <summary>Renders a minted token for people (text) or scripts (one JSON object on one line).</summary>
internal static class MintedTokenWriter
{
    public static string ToJson(MintedToken minted)
    {
        using var buffer = new MemoryStream();
        // The bootstrap line and base64 are full of '+' and '"'; nothing here is ever embedded in HTML.
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            var record = minted.Record;
            writer.WriteStartObject();
            writer.WriteString("id", record.Id);
            writer.WriteString("user", minted.User);
            writer.WriteString("token", minted.Token);
            writer.WriteString("principal", record.Principal);
            writer.WriteString("policy", record.Policy);
            writer.WriteStartArray("routes");
            foreach (var route in record.Routes)
            {
                writer.WriteStringValue(route);
            }

            writer.WriteEndArray();
            if (record.ExpiresAt is { } expiresAt)
            {
                writer.WriteString("expires_at", expiresAt);
            }
            else
            {
                writer.WriteNull("expires_at");
            }

            writer.WriteString("bootstrap_line", minted.BootstrapLine);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static void WriteText(TextWriter output, MintedToken minted, string? appendedTo)
    {
        var record = minted.Record;
        var routes = record.Routes.Count == 0 ? "every route" : string.Join(", ", record.Routes);
        var expires = record.ExpiresAt is { } expiresAt
            ? expiresAt.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture)
            : "never";
        var database = record.Routes.Count > 0 ? record.Routes[0] : "DB";

        output.WriteLine("Token (shown only now; it is stored nowhere, so keep it in a secret store):");
        output.WriteLine();
        output.WriteLine($"  {minted.Token}");
        output.WriteLine();
        output.WriteLine($"Connect as user {minted.User} with the token as the password, e.g.");
        output.WriteLine($"  PGPASSWORD='<token>' psql \"host=PROXY user={minted.User} dbname={database}\"");
        output.WriteLine();
        output.WriteLine($"  id         {record.Id}");
        output.WriteLine($"  principal  {record.Principal}");
        output.WriteLine($"  policy     {record.Policy}");
        output.WriteLine($"  routes     {routes}");
        output.WriteLine($"  expires    {expires}");
        output.WriteLine();
        if (appendedTo is null)
        {
            output.WriteLine("Bootstrap line: append it to the node's token file (it holds verifiers, not the token):");
        }
        else
        {
            output.WriteLine($"Bootstrap line, appended to {appendedTo} (it holds verifiers, not the token):");
        }

        output.WriteLine();
        output.WriteLine(minted.BootstrapLine);
    }
}
