using Npgsql;

namespace ProxyCluster.Control.Membership;

/// <summary>Reads cluster membership (<c>proxyctl cluster show</c>, <c>GET /v1/cluster</c>).</summary>
public sealed class MembershipQueries
{
    /// <summary>A member is up while its last heartbeat is within this many intervals of the store's now().</summary>
    public const int MissedHeartbeatsAllowed = 3;

    private readonly ControlStore _store;

    public MembershipQueries(ControlStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>
    /// Every node that ever registered, by ordinal. States are computed in SQL against the store's clock, so the
    /// nodes' own clocks do not matter.
    /// </summary>
    public async Task<IReadOnlyList<ClusterMember>> ListMembersAsync(TimeSpan heartbeatInterval, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(heartbeatInterval, TimeSpan.Zero);
        try
        {
            var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                await using var command = new NpgsqlCommand(
                    $"""
                    SELECT node_id, ordinal, postgres_addresses, admin_url, version, started_at, last_heartbeat, journal_position,
                           CASE WHEN stopped_at IS NOT NULL THEN 'stopped'
                                WHEN last_heartbeat >= now() - $1 THEN 'up'
                                ELSE 'unreachable' END
                    FROM {_store.Table("nodes")}
                    ORDER BY ordinal, node_id
                    """,
                    connection);
                command.Parameters.Add(new NpgsqlParameter { Value = heartbeatInterval * MissedHeartbeatsAllowed });
                var members = new List<ClusterMember>();
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var stateName = reader.GetString(8);
                        if (!MemberStateNames.TryParse(stateName, out var state))
                        {
                            throw new InvalidOperationException($"unknown member state '{stateName}'");
                        }

                        members.Add(new ClusterMember(
                            reader.GetString(0),
                            reader.GetInt32(1),
                            reader.GetFieldValue<string[]>(2),
                            reader.IsDBNull(3) ? null : reader.GetString(3),
                            reader.GetString(4),
                            reader.GetFieldValue<DateTimeOffset>(5),
                            reader.GetFieldValue<DateTimeOffset>(6),
                            reader.GetInt64(7),
                            state));
                    }
                }

                return members;
            }
        }
        catch (Exception e) when (ControlStoreErrors.IsUnavailable(e, cancellationToken))
        {
            throw _store.Unavailable(e);
        }
    }
}
