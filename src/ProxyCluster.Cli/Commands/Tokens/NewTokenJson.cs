using System.Text.Json.Nodes;
using ProxyCluster.Cli.Output;

namespace ProxyCluster.Cli.Commands.Tokens;

/// <summary>
/// <c>--json</c> for a new token: one object on one line, <c>id</c>, <c>user</c> and <c>token</c> first, then the
/// rest of the node's token view. The only JSON proxyctl prints that holds a secret.
/// </summary>
internal static class NewTokenJson
{
    public static string Create(string token, string id, string user, string nodeAnswer)
    {
        var result = new JsonObject
        {
            ["id"] = id,
            ["user"] = user,
            ["token"] = token,
        };
        if (JsonNode.Parse(nodeAnswer) is JsonObject view)
        {
            foreach (var (name, value) in view)
            {
                if (!result.ContainsKey(name))
                {
                    result[name] = value?.DeepClone();
                }
            }
        }

        return JsonText.Compact(result);
    }
}
