using ProxyCluster.Node.Configuration;

namespace ProxyCluster.Node.Tests.Otlp;

public sealed class OtlpOptionsTests
{
    [Fact]
    public void Validate_Defaults_NoProblems() => Assert.Empty(OtlpOptions.Validate(new OtlpOptions()));

    [Theory]
    [InlineData("http://collector:4318", "http/protobuf")]
    [InlineData("https://otlp.vendor.example/otlp", "http/protobuf")]
    [InlineData("http://127.0.0.1:4317", "grpc")]
    public void Validate_EndpointAndProtocol_NoProblems(string endpoint, string protocol) =>
        Assert.Empty(OtlpOptions.Validate(new OtlpOptions { Endpoint = endpoint, Protocol = protocol, Headers = "x-api-key=abc,x-tenant=t1" }));

    [Theory]
    [InlineData("collector:4318")]
    [InlineData("/v1/metrics")]
    [InlineData("ftp://collector/")]
    [InlineData("not a url")]
    public void Validate_EndpointNotAnHttpUrl_NamesTheSetting(string endpoint)
    {
        var problem = Assert.Single(OtlpOptions.Validate(new OtlpOptions { Endpoint = endpoint }));

        Assert.StartsWith("Proxy:Otlp:Endpoint", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("GRPC")]
    [InlineData("http/json")]
    public void Validate_UnknownProtocol_SaysWhichAreKnown(string protocol)
    {
        var problem = Assert.Single(OtlpOptions.Validate(new OtlpOptions { Protocol = protocol }));

        Assert.Contains("is not grpc or http/protobuf", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-15)]
    public void Validate_IntervalBelowOneSecond_Problem(int seconds) =>
        Assert.Equal(["Proxy:Otlp:ExportIntervalSeconds must be at least 1"], OtlpOptions.Validate(new OtlpOptions { ExportIntervalSeconds = seconds }));

    [Theory]
    [InlineData("x-api-key")]
    [InlineData("=secret-value")]
    [InlineData("x-api-key=secret-value,")]
    [InlineData("bad key=secret-value")]
    [InlineData("x-api-key=secret-value\r\nx-injected=1")]
    public void Validate_MalformedHeaders_ProblemThatDoesNotQuoteThem(string headers)
    {
        var problems = OtlpOptions.Validate(new OtlpOptions { Endpoint = "http://collector:4318", Headers = headers }).ToList();

        Assert.Contains(problems, p => p.StartsWith("Proxy:Otlp:Headers entry", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Contains("secret-value", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_HeadersWithoutEndpoint_PointsToTheStandardVariable()
    {
        var problem = Assert.Single(OtlpOptions.Validate(new OtlpOptions { Headers = "x-api-key=abc" }));

        Assert.Contains("OTEL_EXPORTER_OTLP_HEADERS", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ProxyOptionsValidator_ReportsOtlpProblems()
    {
        var options = new ProxyOptions
        {
            Listeners = { new ListenerOptions { Address = "127.0.0.1", Port = 0 } },
            Routes = { new RouteOptions { Name = "*", Host = "127.0.0.1", User = "app" } },
            Otlp = new OtlpOptions { Protocol = "udp", ExportIntervalSeconds = 0 },
        };

        var problems = ProxyOptionsValidator.Validate(options);

        Assert.Equal(2, problems.Count(p => p.StartsWith("Proxy:Otlp:", StringComparison.Ordinal)));
    }
}
