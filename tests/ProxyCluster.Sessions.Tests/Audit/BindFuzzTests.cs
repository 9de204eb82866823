using System.Buffers;
using ProxyCluster.Sessions.Audit;
using ProxyCluster.Sessions.Policy;
using ProxyCluster.Tests.Fuzzing;

namespace ProxyCluster.Sessions.Tests.Audit;

/// <summary>
/// Mutated Bind and Parse messages through what the relay shows the audit of them, as the relay shows it (only the
/// first <see cref="PreparedStatements.BindPeekLength"/> bytes, in random segments): values are read or left out,
/// never invented, and nothing throws on the relay's thread.
/// </summary>
public sealed class BindFuzzTests
{
    private static readonly StatementAuditFacts Facts = new(["select"], [], "rule", null, "SELECT $1, $2, $3", "f");

    private static readonly byte[][] Binds =
    [
        BindMessages.Bind("", "s", [], BindMessages.Text("alice"), null, BindMessages.Text(new string('x', 300))),
        BindMessages.Bind("p", "s", [1], [0, 0, 0, 42], [0, 0, 0, 0, 0, 0, 0, 1], [1]),
        BindMessages.Bind("", "s", [0, 1, 0], BindMessages.Text("2026-11-23"), [0xca, 0xfe], null),
    ];

    [Fact]
    public void Bound_MutatedBinds_RecordWhatTheyHoldOrNothing()
    {
        FuzzRun.Times(5_000, (random, iteration) =>
        {
            var prepared = new PreparedStatements(recordParameterValues: true);
            prepared.Prepared("s", Facts, ParseBody(random));
            var bind = ByteMutator.Mutate(random, Binds[random.Next(Binds.Length)]);
            if (bind.Length < 5)
            {
                return; // the relay never shows a message shorter than its header
            }

            var shown = bind.AsSpan(0, Math.Min(bind.Length, prepared.BindPeekLength)).ToArray();
            prepared.Bound(ByteMutator.Split(random, shown));

            foreach (var portal in new[] { "", "p" })
            {
                var executed = prepared.Executed(new ReadOnlySequence<byte>([.. System.Text.Encoding.UTF8.GetBytes(portal), 0, 0, 0, 0, 0]));
                if (executed.Parameters is not { } values)
                {
                    continue;
                }

                Assert.Same(Facts, executed.Facts);
                Assert.True(values.Count <= short.MaxValue);
                foreach (var value in values)
                {
                    Assert.True(value.Value is null || value.Value.Length <= 2 * BindParameters.MaxValueBytes, $"iteration {iteration}: a value longer than the limit");
                }
            }
        });
    }

    /// <summary>A Parse body naming the parameter types int4, text and bytea, sometimes cut short.</summary>
    private static ReadOnlySequence<byte> ParseBody(Random random)
    {
        byte[] body = [(byte)'s', 0, (byte)'X', 0, 0, 3, 0, 0, 0, 23, 0, 0, 0, 25, 0, 0, 0, 17];
        return new ReadOnlySequence<byte>(ByteMutator.Mutate(random, body));
    }
}
