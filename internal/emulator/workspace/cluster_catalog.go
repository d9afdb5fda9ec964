package workspace

// The Databricks Runtime versions and Azure VM node types an emulated
// workspace offers. Keys, names and sizes follow what an Azure workspace
// answers on /api/2.1/clusters/spark-versions and list-node-types (see the
// Databricks Runtime release notes and Azure VM size documentation).

type sparkVersion struct {
	Key  string `json:"key"`
	Name string `json:"name"`
}

var sparkVersionCatalog = []sparkVersion{
	{"17.3.x-scala2.13", "17.3 LTS (includes Apache Spark 4.0.0, Scala 2.13)"},
	{"17.3.x-cpu-ml-scala2.13", "17.3 LTS ML (includes Apache Spark 4.0.0, Scala 2.13)"},
	{"17.3.x-gpu-ml-scala2.13", "17.3 LTS ML (includes Apache Spark 4.0.0, GPU, Scala 2.13)"},
	{"16.4.x-scala2.12", "16.4 LTS (includes Apache Spark 3.5.2, Scala 2.12)"},
	{"16.4.x-cpu-ml-scala2.12", "16.4 LTS ML (includes Apache Spark 3.5.2, Scala 2.12)"},
	{"16.4.x-gpu-ml-scala2.12", "16.4 LTS ML (includes Apache Spark 3.5.2, GPU, Scala 2.12)"},
	{"15.4.x-scala2.12", "15.4 LTS (includes Apache Spark 3.5.0, Scala 2.12)"},
	{"15.4.x-cpu-ml-scala2.12", "15.4 LTS ML (includes Apache Spark 3.5.0, Scala 2.12)"},
	{"15.4.x-gpu-ml-scala2.12", "15.4 LTS ML (includes Apache Spark 3.5.0, GPU, Scala 2.12)"},
	{"15.4.x-photon-scala2.12", "15.4 LTS Photon (includes Apache Spark 3.5.0, Scala 2.12)"},
	{"14.3.x-scala2.12", "14.3 LTS (includes Apache Spark 3.5.0, Scala 2.12)"},
	{"14.3.x-cpu-ml-scala2.12", "14.3 LTS ML (includes Apache Spark 3.5.0, Scala 2.12)"},
	{"13.3.x-scala2.12", "13.3 LTS (includes Apache Spark 3.4.1, Scala 2.12)"},
	{"13.3.x-cpu-ml-scala2.12", "13.3 LTS ML (includes Apache Spark 3.4.1, Scala 2.12)"},
}

func sparkVersionByKey(key string) (sparkVersion, bool) {
	for _, v := range sparkVersionCatalog {
		if v.Key == key {
			return v, true
		}
	}
	return sparkVersion{}, false
}

type nodeType struct {
	NodeTypeID          string  `json:"node_type_id"`
	InstanceTypeID      string  `json:"instance_type_id"`
	MemoryMb            int     `json:"memory_mb"`
	NumCores            float64 `json:"num_cores"`
	NumGpus             int     `json:"num_gpus,omitempty"`
	Description         string  `json:"description"`
	Category            string  `json:"category"`
	IsDeprecated        bool    `json:"is_deprecated,omitempty"`
	IsIoCacheEnabled    bool    `json:"is_io_cache_enabled,omitempty"`
	PhotonWorkerCapable bool    `json:"photon_worker_capable,omitempty"`
	PhotonDriverCapable bool    `json:"photon_driver_capable,omitempty"`
	SupportClusterTags  bool    `json:"support_cluster_tags"`
	DisplayOrder        int     `json:"display_order,omitempty"`
}

func azureNode(id, category string, cores float64, memGiB, gpus int, ioCache, deprecated bool) nodeType {
	return nodeType{
		NodeTypeID: id, InstanceTypeID: id, MemoryMb: memGiB * 1024, NumCores: cores, NumGpus: gpus,
		Description: id, Category: category, IsDeprecated: deprecated, IsIoCacheEnabled: ioCache,
		PhotonWorkerCapable: gpus == 0, PhotonDriverCapable: gpus == 0, SupportClusterTags: true,
	}
}

var nodeTypeCatalog = []nodeType{
	azureNode("Standard_DS3_v2", "General Purpose", 4, 14, 0, false, false),
	azureNode("Standard_DS4_v2", "General Purpose", 8, 28, 0, false, false),
	azureNode("Standard_DS5_v2", "General Purpose", 16, 56, 0, false, false),
	azureNode("Standard_D4ds_v5", "General Purpose", 4, 16, 0, true, false),
	azureNode("Standard_D8ds_v5", "General Purpose", 8, 32, 0, true, false),
	azureNode("Standard_D16ds_v5", "General Purpose", 16, 64, 0, true, false),
	azureNode("Standard_E4ds_v4", "Memory Optimized", 4, 32, 0, true, false),
	azureNode("Standard_E8ds_v4", "Memory Optimized", 8, 64, 0, true, false),
	azureNode("Standard_E16ds_v4", "Memory Optimized", 16, 128, 0, true, false),
	azureNode("Standard_F4s", "Compute Optimized", 4, 8, 0, false, false),
	azureNode("Standard_F8s", "Compute Optimized", 8, 16, 0, false, false),
	azureNode("Standard_L8s_v3", "Storage Optimized", 8, 64, 0, true, false),
	azureNode("Standard_NC4as_T4_v3", "GPU Accelerated", 4, 28, 1, false, false),
	azureNode("Standard_NC6s_v3", "GPU Accelerated", 6, 112, 1, false, false),
	azureNode("Standard_NC24ads_A100_v4", "GPU Accelerated", 24, 220, 1, false, false),
	azureNode("Standard_DS12_v2", "Memory Optimized", 4, 28, 0, false, true),
}

func nodeTypeByID(id string) (nodeType, bool) {
	for _, n := range nodeTypeCatalog {
		if n.NodeTypeID == id {
			return n, true
		}
	}
	return nodeType{}, false
}
