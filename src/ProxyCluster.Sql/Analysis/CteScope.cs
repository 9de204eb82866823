namespace ProxyCluster.Sql.Analysis;

/// <summary>The WITH names visible at a point of the tree, innermost first (an immutable linked list).</summary>
internal sealed class CteScope(string name, CteScope? parent)
{
    public string Name { get; } = name;

    public CteScope? Parent { get; } = parent;

    public static bool Contains(CteScope? scope, string name)
    {
        for (var current = scope; current is not null; current = current.Parent)
        {
            if (string.Equals(current.Name, name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
