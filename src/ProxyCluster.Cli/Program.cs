using ProxyCluster.Cli;

return await ProxyCtl.RunAsync(args, CliEnvironment.FromProcess()).ConfigureAwait(false);
