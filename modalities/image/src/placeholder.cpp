namespace gen::image {}
