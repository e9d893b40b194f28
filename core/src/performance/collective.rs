//! Time of the collectives a parallel layout issues, for ring algorithms
//! over a node of fast links and a network between nodes (Thakur,
//! Rabenseifner and Gropp 2005; NCCL's ring and its bus-bandwidth
//! convention): an all-gather or reduce-scatter of a buffer of B bytes over
//! n ranks moves (n - 1)/n B per rank, an all-reduce twice that. A group
//! with k members per node runs hierarchically: the in-node part over the
//! node's links, then the across-node part over the per-GPU network on the
//! B/k shard each member holds (what NCCL's tree/ring hybrids approach).

use super::Constants;

/// Where a group's members sit and the links between them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Links {
    /// Bandwidth per GPU and direction inside a node, bytes/s.
    pub intra: f64,
    /// Bandwidth per GPU and direction between nodes, bytes/s.
    pub inter: f64,
    /// GPUs per node.
    pub gpus_per_node: f64,
}

/// A group of `size` ranks of which `per_node` share each node.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Group {
    /// Ranks in the group.
    pub size: f64,
    /// Ranks of the group in each node (1 when every rank is in its own node).
    pub per_node: f64,
}

impl Group {
    /// The group of `size` ranks whose consecutive members are `stride`
    /// ranks apart, ranks filling nodes of `gpus_per_node` in order.
    pub fn strided(size: f64, stride: f64, gpus_per_node: f64) -> Group {
        let per_node = (gpus_per_node / stride).floor().clamp(1.0, size);
        Group { size, per_node }
    }
}

/// One pass of a ring (reduce-scatter or all-gather) over `bytes`.
fn ring_pass(bytes: f64, group: Group, links: &Links, c: &Constants) -> f64 {
    let n = group.size;
    if n <= 1.0 {
        return 0.0;
    }
    let k = group.per_node.min(n);
    let nodes = (n / k).ceil();
    let intra = (k - 1.0) / k * bytes / (links.intra * c.intra_link_efficiency);
    let inter = if nodes > 1.0 {
        (nodes - 1.0) / nodes * (bytes / k) / (links.inter * c.inter_link_efficiency)
    } else {
        0.0
    };
    intra + inter + (n - 1.0) * c.latency
}

/// All-gather of a buffer of `bytes` (the gathered size).
pub fn all_gather(bytes: f64, group: Group, links: &Links, c: &Constants) -> f64 {
    ring_pass(bytes, group, links, c)
}

/// Reduce-scatter of a buffer of `bytes` (the size before scattering).
pub fn reduce_scatter(bytes: f64, group: Group, links: &Links, c: &Constants) -> f64 {
    ring_pass(bytes, group, links, c)
}

/// All-reduce: a reduce-scatter and an all-gather.
pub fn all_reduce(bytes: f64, group: Group, links: &Links, c: &Constants) -> f64 {
    2.0 * ring_pass(bytes, group, links, c)
}

/// All-to-all where each rank sends `bytes` in all, (n - 1)/n of it away;
/// the part leaving the node goes at the network's rate.
pub fn all_to_all(bytes: f64, group: Group, links: &Links, c: &Constants) -> f64 {
    let n = group.size;
    if n <= 1.0 {
        return 0.0;
    }
    let k = group.per_node.min(n);
    let in_node = (k - 1.0) / n * bytes / (links.intra * c.intra_link_efficiency);
    let off_node = (n - k) / n * bytes / (links.inter * c.inter_link_efficiency);
    in_node.max(off_node) + c.latency * (n - 1.0).min(8.0)
}

/// A point-to-point send of `bytes`, inside a node or across.
pub fn send(bytes: f64, across_nodes: bool, links: &Links, c: &Constants) -> f64 {
    let bw = if across_nodes {
        links.inter * c.inter_link_efficiency
    } else {
        links.intra * c.intra_link_efficiency
    };
    bytes / bw + c.latency
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hardware::Generation;

    fn links() -> Links {
        Links {
            intra: 300e9,
            inter: 25e9,
            gpus_per_node: 8.0,
        }
    }

    #[test]
    fn an_all_reduce_in_a_node_moves_twice_n_minus_one_over_n() {
        let mut c = Constants::of(Generation::Ampere);
        c.latency = 0.0;
        c.intra_link_efficiency = 1.0;
        let t = all_reduce(1e9, Group::strided(8.0, 1.0, 8.0), &links(), &c);
        assert!((t - 2.0 * 7.0 / 8.0 * 1e9 / 300e9).abs() < 1e-12);
    }

    #[test]
    fn groups_across_nodes_are_bound_by_the_network() {
        let mut c = Constants::of(Generation::Ampere);
        c.latency = 0.0;
        c.inter_link_efficiency = 1.0;
        // Data-parallel ranks 8 apart: one per node, the whole buffer on the network.
        let g = Group::strided(64.0, 8.0, 8.0);
        assert_eq!(g.per_node, 1.0);
        let t = all_gather(1e9, g, &links(), &c);
        assert!((t - 63.0 / 64.0 * 1e9 / 25e9).abs() < 1e-12);
        // Two per node: half the buffer per GPU crosses the network.
        let g2 = Group::strided(64.0, 4.0, 8.0);
        assert!(all_gather(1e9, g2, &links(), &c) < 0.6 * t);
        assert_eq!(
            all_reduce(1e9, Group::strided(1.0, 1.0, 8.0), &links(), &c),
            0.0
        );
    }
}
