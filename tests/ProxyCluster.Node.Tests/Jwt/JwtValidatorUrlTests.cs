using Microsoft.Extensions.Logging;
using ProxyCluster.Node.Jwt;

namespace ProxyCluster.Node.Tests.Jwt;

public sealed class JwtValidatorUrlTests : IAsyncLifetime
{
    private readonly JwtTestBed _bed = new();
    private JwksServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await JwksServer.StartAsync();
        _server.Jwks = JwtTestBed.JwksJson(_bed.Rsa);
    }

    public async Task DisposeAsync()
    {
        await _bed.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task LoadKeysAsync_FromUrl_ValidatesTokens()
    {
        var validator = await _bed.StartAsync(UrlOptions());

        var result = await validator.ValidateAsync(_bed.Mint(_bed.Rsa), CancellationToken.None);

        Assert.True(result.Succeeded, result.Failure);
        Assert.Equal(1, _server.Requests);
    }

    [Fact]
    public async Task ValidateAsync_UnknownKid_RefetchesAtMostOncePer10Seconds()
    {
        var validator = await _bed.StartAsync(UrlOptions());
        var rotated = _bed.Mint(_bed.Ec);

        Assert.Equal(JwtFailures.UnknownSigningKey, (await validator.ValidateAsync(rotated, CancellationToken.None)).Failure);
        Assert.Equal(2, _server.Requests); // the unknown kid fetched once

        _server.Jwks = JwtTestBed.JwksJson(_bed.Rsa, _bed.Ec);
        _bed.Time.Advance(TimeSpan.FromSeconds(9));
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(JwtFailures.UnknownSigningKey, (await validator.ValidateAsync(rotated, CancellationToken.None)).Failure);
        }

        Assert.Equal(2, _server.Requests);

        _bed.Time.Advance(TimeSpan.FromSeconds(1));
        var result = await validator.ValidateAsync(rotated, CancellationToken.None);

        Assert.True(result.Succeeded, result.Failure);
        Assert.Equal(3, _server.Requests);
    }

    [Fact]
    public async Task ValidateAsync_ManyConcurrentUnknownKids_OneFetch()
    {
        var validator = await _bed.StartAsync(UrlOptions());
        using var stranger = TestSigningKey.Rsa("stranger");
        var token = _bed.Mint(stranger);

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => validator.ValidateAsync(token, CancellationToken.None).AsTask()));

        Assert.All(results, r => Assert.Equal(JwtFailures.UnknownSigningKey, r.Failure));
        Assert.Equal(2, _server.Requests);
    }

    [Fact]
    public async Task ValidateAsync_JwksServerDown_KeepsTheLastKeysAndLogsOncePerOutage()
    {
        var validator = await _bed.StartAsync(UrlOptions());
        using var stranger = TestSigningKey.Rsa("stranger");
        _server.Down = true;

        for (var i = 0; i < 3; i++)
        {
            _bed.Time.Advance(TimeSpan.FromSeconds(10));
            Assert.Equal(JwtFailures.UnknownSigningKey, (await validator.ValidateAsync(_bed.Mint(stranger), CancellationToken.None)).Failure);
            Assert.True((await validator.ValidateAsync(_bed.Mint(_bed.Rsa), CancellationToken.None)).Succeeded);
        }

        Assert.Equal(4, _server.Requests);
        Assert.Equal(1, _bed.Logger.Count(LogLevel.Warning));

        _server.Down = false;
        _server.Jwks = JwtTestBed.JwksJson(_bed.Rsa, stranger);
        _bed.Time.Advance(TimeSpan.FromSeconds(10));

        Assert.True((await validator.ValidateAsync(_bed.Mint(stranger), CancellationToken.None)).Succeeded);
        Assert.Contains(_bed.Logger.Entries, e => e.Message.Contains("reachable again", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ValidateAsync_JwksServerGone_KeepsTheLastKeys()
    {
        var validator = await _bed.StartAsync(UrlOptions());
        await _server.DisposeAsync();
        _bed.Time.Advance(TimeSpan.FromSeconds(10));
        using var stranger = TestSigningKey.Rsa("stranger");

        Assert.Equal(JwtFailures.UnknownSigningKey, (await validator.ValidateAsync(_bed.Mint(stranger), CancellationToken.None)).Failure);
        Assert.True((await validator.ValidateAsync(_bed.Mint(_bed.Rsa), CancellationToken.None)).Succeeded);
        Assert.Equal(1, _bed.Logger.Count(LogLevel.Warning));
    }

    [Fact]
    public async Task LoadKeysAsync_ServerDown_ThrowsNamingTheUrl()
    {
        _server.Down = true;
        await using var validator = new JwtValidator(UrlOptions(), _bed.Logger, time: _bed.Time);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => validator.LoadKeysAsync(CancellationToken.None));

        Assert.Contains("Proxy:Jwt:JwksUrl", error.Message, StringComparison.Ordinal);
        Assert.Contains("503", error.Message, StringComparison.Ordinal);
    }

    private JwtOptions UrlOptions() => _bed.FileOptions(o =>
    {
        o.JwksFile = null;
        o.JwksUrl = _server.Url.ToString();
    });
}
