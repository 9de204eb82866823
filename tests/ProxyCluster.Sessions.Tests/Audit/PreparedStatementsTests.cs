using System.Buffers;
using ProxyCluster.Audit;
using ProxyCluster.Sessions.Audit;
using ProxyCluster.Sessions.Policy;

namespace ProxyCluster.Sessions.Tests.Audit;

public sealed class PreparedStatementsTests
{
    private static readonly StatementAuditFacts Select = new(["select"], [], "allow-all", null, "SELECT $1", "f1");

    [Fact]
    public void Executed_AfterBind_RunsTheBoundStatement_WithoutValuesByDefault()
    {
        var prepared = new PreparedStatements();
        prepared.Prepared("s1", Select);

        prepared.Bound(new ReadOnlySequence<byte>(BindMessages.Bind("p1", "s1", [], BindMessages.Text("secret"))));
        var portal = prepared.Executed(Body(BindMessages.Execute("p1")));

        Assert.Same(Select, portal.Facts);
        Assert.Null(portal.Parameters);
        Assert.Equal(5 + 1024, prepared.BindPeekLength);
    }

    [Fact]
    public void Executed_RouteRecordsValues_GivesTheBoundValues()
    {
        var prepared = new PreparedStatements(recordParameterValues: true);
        prepared.Prepared("", Select);

        prepared.Bound(new ReadOnlySequence<byte>(BindMessages.Bind("", "", [0, 1], BindMessages.Text("alice"), [0x2a])));
        var portal = prepared.Executed(Body(BindMessages.Execute("")));

        Assert.Same(Select, portal.Facts);
        Assert.Equal([new AuditParameter("alice"), new AuditParameter("2a", Binary: true)], portal.Parameters);
    }

    [Fact]
    public void Bound_SplitAcrossSegments_ReadsTheSameValues()
    {
        var prepared = new PreparedStatements(recordParameterValues: true);
        prepared.Prepared("s", Select);
        var bind = BindMessages.Bind("", "s", [], BindMessages.Text("split-value"), null);

        prepared.Bound(Protocol.Tests.Segments.Of(bind[..3], bind[3..9], bind[9..17], bind[17..]));

        Assert.Equal([new AuditParameter("split-value"), AuditParameter.Null], prepared.Executed(Body(BindMessages.Execute(""))).Parameters);
    }

    [Fact]
    public void Bound_PrefixShorterThanTheMessage_MarksWhatItDidNotSee()
    {
        var prepared = new PreparedStatements(recordParameterValues: true);
        prepared.Prepared("", Select);
        var big = new string('x', 20_000);
        var bind = BindMessages.Bind("", "", [], BindMessages.Text("small"), BindMessages.Text(big), BindMessages.Text("after"));

        // The relay shows only the first BindPeekLength bytes of a message that streams through.
        prepared.Bound(new ReadOnlySequence<byte>(bind, 0, prepared.BindPeekLength));

        var parameters = prepared.Executed(Body(BindMessages.Execute(""))).Parameters!;
        Assert.Equal(new AuditParameter("small"), parameters[0]);
        Assert.Equal(new AuditParameter(new string('x', BindParameters.MaxValueBytes), Truncated: true), parameters[1]);
        Assert.Equal(AuditParameter.Unseen, parameters[2]);
    }

    [Fact]
    public void Executed_UnknownStatementOrPortal_HasNoFacts()
    {
        var prepared = new PreparedStatements(recordParameterValues: true);
        prepared.Prepared("known", Select);
        prepared.Bound(new ReadOnlySequence<byte>(BindMessages.Bind("p", "known", [])));

        // Rebinding the portal to a statement the policy never allowed forgets what it ran before.
        prepared.Bound(new ReadOnlySequence<byte>(BindMessages.Bind("p", "unknown", [])));

        Assert.Null(prepared.Executed(Body(BindMessages.Execute("p"))).Facts);
        Assert.Null(prepared.Executed(Body(BindMessages.Execute("never-bound"))).Facts);
    }

    private static ReadOnlySequence<byte> Body(byte[] message) => new(message, 5, message.Length - 5);
}
