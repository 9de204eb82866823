using ProxyCluster.Policy.Evaluation;
using ProxyCluster.Sql;

namespace ProxyCluster.Policy.Tests;

/// <summary>
/// Statement shapes the parser does not produce today (a node type the analyzer does not know, an EXPLAIN whose
/// inner statement could not be read): the checker must still fail closed, under every policy.
/// </summary>
public sealed class UnreachableShapeTests
{
    public static TheoryData<string> Policies => [SqlPolicy.UnrestrictedName, SqlPolicy.ReadOnlyName];

    [Theory]
    [MemberData(nameof(Policies))]
    public void Check_UnknownKind_IsDenied(string name)
    {
        Assert.True(PolicyCatalog.BuiltIn.TryGet(name, out var policy));
        var statement = new StatementAnalysis { Kind = StatementKind.Unknown, NodeType = "FutureStmt", Text = "FUTURE STATEMENT" };

        var decision = new StatementChecker(policy).Check(statement);

        Assert.False(decision.Allowed);
        Assert.Contains("does not allow FutureStmt: the proxy does not understand this statement", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StatementKind.Explain)]
    [InlineData(StatementKind.Prepare)]
    [InlineData(StatementKind.DeclareCursor)]
    public void Check_WrapperWithoutInnerStatement_IsDenied(StatementKind kind)
    {
        var statement = new StatementAnalysis { Kind = kind, NodeType = kind + "Stmt", Text = "?" };

        var decision = new StatementChecker(SqlPolicy.ReadOnly).Check(statement);

        Assert.False(decision.Allowed);
        Assert.Contains("could not read the statement inside", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_CopyWithoutEndpoint_IsDenied()
    {
        var statement = new StatementAnalysis
        {
            Kind = StatementKind.CopyTo,
            NodeType = "CopyStmt",
            Text = "COPY t TO ?",
            Relations = [new RelationAccess(null, "t", RelationAccessKind.Read)],
            CopyEndpoint = CopyEndpoint.None,
        };

        var decision = new StatementChecker(SqlPolicy.ReadOnly).Check(statement);

        Assert.False(decision.Allowed);
        Assert.Contains("could not tell where its data goes", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_SetWithoutName_IsDenied()
    {
        var statement = new StatementAnalysis { Kind = StatementKind.Set, NodeType = "VariableSetStmt", Text = "SET ?" };

        var decision = new StatementChecker(SqlPolicy.ReadOnly).Check(statement);

        Assert.False(decision.Allowed);
    }
}
