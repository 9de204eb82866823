using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ProxyCluster.Control;
using ProxyCluster.Node.Cluster;
using ProxyCluster.Node.Configuration;
using ProxyCluster.Protocol.Errors;
using ProxyCluster.Sessions.Lifecycle;

namespace ProxyCluster.Node.Admin;

/// <summary>
/// <c>/v1/sessions</c>: sessions live in the memory of the node that serves them, so a cluster-wide listing asks
/// every member that is up, and a kill goes to the node whose ordinal the session id carries.
/// </summary>
public static class SessionEndpoints
{
    private const string LocalPath = "v1/sessions?local=true";

    public static void Map(RouteGroupBuilder v1, ProxyOptions options)
    {
        v1.MapGet("/sessions", async (HttpRequest request, SessionRegistry sessions, IClusterView cluster, PeerAdminClient peers) =>
        {
            var local = Local(sessions, options);
            if (string.Equals(request.Query["local"], "true", StringComparison.OrdinalIgnoreCase))
            {
                return AdminResults.Json(new SessionListResponse(local, []), AdminJson.Context.SessionListResponse);
            }

            IReadOnlyList<MemberView> members;
            try
            {
                members = await cluster.ListMembersAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
            }
            catch (ControlStoreUnavailableException exception)
            {
                return AdminResults.Unavailable($"cannot list the cluster's members: {exception.Message}");
            }

            var all = new List<SessionView>(local);
            var unreachable = new List<string>();
            var others = new List<(MemberView Member, Task<(SessionListResponse? Body, int Status)> Answer)>();
            foreach (var member in members)
            {
                if (member.NodeId == options.NodeId || member.State != "up")
                {
                    continue;
                }

                if (member.AdminUrl is not { } url)
                {
                    unreachable.Add(member.NodeId); // it runs without an admin API: nobody can ask it
                    continue;
                }

                others.Add((member, peers.GetAsync(url, LocalPath, AdminJson.Context.SessionListResponse, request.HttpContext.RequestAborted)));
            }

            foreach (var (member, answer) in others)
            {
                try
                {
                    var (body, _) = await answer.ConfigureAwait(false);
                    if (body is null)
                    {
                        unreachable.Add(member.NodeId);
                        continue;
                    }

                    all.AddRange(body.Sessions);
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
                {
                    unreachable.Add(member.NodeId);
                }
            }

            return AdminResults.Json(new SessionListResponse(all, unreachable), AdminJson.Context.SessionListResponse);
        });

        v1.MapPost("/sessions/{id}/kill", async (string id, HttpRequest request, SessionRegistry sessions, IClusterView cluster, PeerAdminClient peers) =>
        {
            var (body, error) = await AdminResults.ReadBodyAsync(request, AdminJson.Context.KillSessionRequest).ConfigureAwait(false);
            if (error is not null)
            {
                return error;
            }

            if (!SessionView.TryParseId(id, out var ordinal, out var localId))
            {
                return AdminResults.Invalid($"\"{id}\" is not a session id (<node ordinal>-<number>)");
            }

            if (ordinal == options.NodeOrdinal)
            {
                return KillLocal(sessions, options, localId, id, body!.Reason);
            }

            MemberView? owner;
            try
            {
                owner = await cluster.FindRunningAsync(ordinal, request.HttpContext.RequestAborted).ConfigureAwait(false);
            }
            catch (ControlStoreUnavailableException exception)
            {
                return AdminResults.Unavailable($"cannot find the node that owns session {id}: {exception.Message}");
            }

            if (owner?.AdminUrl is not { } ownerUrl)
            {
                return AdminResults.NotFound($"no session {id}: no running node has ordinal {ordinal}");
            }

            try
            {
                var (json, status) = await peers.PostAsync(ownerUrl, $"v1/sessions/{Uri.EscapeDataString(id)}/kill", body!, AdminJson.Context.KillSessionRequest, request.HttpContext.RequestAborted).ConfigureAwait(false);
                return Results.Content(json, "application/json", statusCode: status);
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                return AdminResults.Unavailable($"node {owner.NodeId}, which owns session {id}, cannot be reached: {exception.Message}");
            }
        });
    }

    private static List<SessionView> Local(SessionRegistry sessions, ProxyOptions options)
    {
        var views = new List<SessionView>(sessions.Count);
        foreach (var session in sessions.Snapshot())
        {
            views.Add(SessionView.From(session, options.NodeId, options.NodeOrdinal));
        }

        views.Sort((a, b) => a.StartedAt.CompareTo(b.StartedAt));
        return views;
    }

    private static IResult KillLocal(SessionRegistry sessions, ProxyOptions options, long localId, string id, string? reason)
    {
        if (!sessions.TryGet(localId, out var session))
        {
            return AdminResults.NotFound($"no session {id}");
        }

        // What pg_terminate_backend() says; the operator's reason goes to the log and audit, not to the client.
        var error = PostgresError.Fatal(SqlState.AdminShutdown, "terminating connection due to administrator command");
        session.Post(new TerminateSession(error, reason is { Length: > 0 } ? $"killed by an operator: {reason}" : "killed by an operator"));
        return AdminResults.Json(new KillSessionResponse(SessionView.From(session, options.NodeId, options.NodeOrdinal)), AdminJson.Context.KillSessionResponse);
    }
}
