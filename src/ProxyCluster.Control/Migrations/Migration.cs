namespace ProxyCluster.Control.Migrations;

/// <summary>One embedded script: <c>NNNN_name.sql</c>, with <c>{schema}</c> where the quoted schema goes.</summary>
internal sealed record Migration(int Version, string Name, string Sql)
{
    public const string SchemaPlaceholder = "{schema}";

    /// <summary>The script for one schema. The schema is a validated, quoted identifier: the only text we substitute.</summary>
    public string For(ControlStore store) => Sql.Replace(SchemaPlaceholder, store.QuotedSchema, StringComparison.Ordinal);
}
