namespace ProxyCluster.Policy.Tests;

/// <summary>The policies the adversarial cases run against, written as operators would write them.</summary>
internal static class TestPolicies
{
    /// <summary>The first example: token X may only SELECT from users.</summary>
    public const string UsersReader = """
        name: users-reader
        description: token X may only SELECT from users
        allow:
          - name: read-users
            statements: [select]
            tables: [users]
        """;

    /// <summary>The second example: token Y may only INSERT into orders.</summary>
    public const string OrdersWriter = """
        name: orders-writer
        description: token Y may only INSERT into orders
        allow:
          - name: write-orders
            statements: [insert]
            tables: [public.orders]
        """;

    /// <summary>Owns the app schema (data and DDL) but never touches app.secrets.</summary>
    public const string AppOwner = """
        name: app-owner
        allow:
          - name: app-data
            statements: [select, insert, update, delete, merge, copy_from, copy_to, truncate, lock]
            tables: ["app.*"]
          - name: app-ddl
            statements: [ddl]
            tables: ["app.*"]
          - name: sequences
            functions: [nextval, app.next_id]
        deny:
          - name: no-secrets
            statements: [all]
            tables: [app.secrets]
        settings:
          search_path: [app]
        """;

    public const string TempOk = """
        name: temp-ok
        allow:
          - statements: [select, insert]
            tables: [public.users]
        settings:
          allow_temp_tables: true
        """;

    public const string TwoSchemas = """
        name: two-schemas
        allow:
          - name: read-app-users
            statements: [select]
            tables: [app.users]
          - name: read-any-events
            statements: [select]
            tables: [events]
        settings:
          search_path: [app, public]
        """;

    /// <summary>A document that allows everything it can: still bound by the route's pins and temp-table rule.</summary>
    public const string Ops = """
        name: ops
        allow:
          - name: everything
            statements: [all]
            tables: ["*"]
            functions: ["*"]
        """;

    public const string Worker = """
        name: worker
        allow:
          - name: claim-jobs
            statements: [select, update, lock]
            tables: [public.jobs]
          - name: signals
            statements: [listen, notify]
          - name: prepared
            statements: [execute]
          - name: procedures
            statements: [call]
            functions: [public.enqueue]
        """;

    public const string NoSecrets = """
        name: no-secrets
        allow:
          - name: read-all
            statements: [select]
            tables: ["*"]
        deny:
          - name: secrets
            statements: [select]
            tables: [public.secrets, "vault.*"]
          - name: no-sleep
            functions: [pg_sleep, lower]
        """;

    public const string CaseSensitive = """
        name: case-sensitive
        allow:
          - statements: [select]
            tables: ['public."Users"']
        """;

    public const string CopyLoader = """
        name: copy-loader
        allow:
          - name: bulk
            statements: [copy_from, insert]
            tables: [public.staging]
          - name: files
            statements: [copy_server_file]
        """;

    public const string NoCatalog = """
        {
          "name": "no-catalog",
          "allow": [ { "statements": ["select"], "tables": ["users"] } ],
          "settings": { "allow_catalog_reads": false }
        }
        """;

    public static IReadOnlyList<string> All { get; } =
        [UsersReader, OrdersWriter, AppOwner, TempOk, TwoSchemas, Ops, Worker, NoSecrets, CaseSensitive, CopyLoader, NoCatalog];
}
