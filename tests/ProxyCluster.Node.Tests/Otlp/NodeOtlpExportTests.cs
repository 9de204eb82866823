using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using ProxyCluster.Node.Configuration;
using ProxyCluster.Node.Hosting;

namespace ProxyCluster.Node.Tests.Otlp;

/// <summary>A whole node configured with <c>Proxy:Otlp</c>: its metrics, including the ones registered after start-up wiring, reach the collector.</summary>
[Collection(OtlpEnvironmentCollection.Name)]
public sealed class NodeOtlpExportTests
{
    private const string ApiKey = "node-api-key-never-in-a-log";

    [Fact]
    public async Task StartAsync_WithOtlpEndpoint_ExportsNodeAndSessionMetricsAndNeverLogsTheHeaders()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var logs = new CollectingLoggerProvider();
        var options = new ProxyOptions
        {
            NodeId = "otlp-node",
            Listeners = { new ListenerOptions { Address = "127.0.0.1", Port = 0 } },
            // Never dialled: no client gets past authentication in this test.
            Routes = { new RouteOptions { Name = "*", Host = "127.0.0.1", Port = 1, User = "app" } },
            Otlp = new OtlpOptions { Endpoint = receiver.Url.ToString(), ExportIntervalSeconds = 1, Headers = $"authorization=Bearer {ApiKey}" },
        };

        await using (var node = ProxyNode.Create(options, logging => logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Trace)))
        {
            await node.StartAsync();
            OtlpReceiver.Received received;
            using (var client = new TcpClient())
            {
                await client.ConnectAsync(node.PostgresEndPoints[0]);

                // proxycluster_client_connections is registered by NodeMetrics after the services are built.
                received = await receiver.WaitForAsync(m => m.Find("proxycluster_client_connections")?.Points.Single().AsDouble == 1);
            }

            Assert.Equal($"Bearer {ApiKey}", received.Headers["authorization"]);
            Assert.Equal("otlp-node", received.Metrics.Resource["service.instance.id"]);
            Assert.NotNull(received.Metrics.Find("proxycluster_sessions_active")); // SessionMetrics, registered with the services
            Assert.NotNull(received.Metrics.Find("proxycluster_tokens_active"));
            await node.StopAsync();
        }

        Assert.Single(logs.Lines, line => line.Contains("exporting metrics over OTLP", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, line => line.Contains(ApiKey, StringComparison.Ordinal));
    }

    [Fact]
    public void Create_InvalidOtlpOptions_RefusesToStartNamingTheSetting()
    {
        var options = new ProxyOptions
        {
            Listeners = { new ListenerOptions { Address = "127.0.0.1", Port = 0 } },
            Routes = { new RouteOptions { Name = "*", Host = "127.0.0.1", Port = 1, User = "app" } },
            Otlp = new OtlpOptions { Endpoint = "collector:4318" },
        };

        var refused = Assert.Throws<InvalidOperationException>(() => ProxyNode.Create(options));

        Assert.Contains("Proxy:Otlp:Endpoint", refused.Message, StringComparison.Ordinal);
    }
}
