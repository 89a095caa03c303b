namespace TagWorker.Sources.ServiceBus;

/// <summary>
/// Whether the broker has more waiting right now, as the last receive saw it: a receive that came back with as many
/// messages as it asked for most likely left more behind. Written by the pumps, read by the packer; a stale answer
/// only makes a fold wait a little more or less.
/// </summary>
internal sealed class ReceiveBacklog
{
    private volatile bool _waiting;

    public bool Waiting => _waiting;

    public void Observe(int asked, int received) => _waiting = received >= asked && received > 0;

    public void Clear() => _waiting = false;
}
