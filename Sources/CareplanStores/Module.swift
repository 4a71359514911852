// CareplanStores: see Package.swift. (Filled in by issue 16's parts; this line keeps the target buildable until then.)
