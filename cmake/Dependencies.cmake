# Every dependency comes from Debian 12's packages (see scripts/setup).
# Never add a second copy of abseil, protobuf or gRPC: Debian's abseil is
# built with its own string_view/optional and a second copy breaks the ABI.
find_package(Threads REQUIRED)
find_package(absl CONFIG REQUIRED)
find_package(Protobuf REQUIRED)
find_package(gRPC CONFIG REQUIRED)
find_package(OpenSSL REQUIRED)  # SHA-256 of bearer tokens (services/common/auth.cc)
find_package(RocksDB CONFIG REQUIRED)
find_package(prometheus-cpp CONFIG REQUIRED)
find_package(ICU REQUIRED COMPONENTS uc i18n)
find_package(xgboost CONFIG REQUIRED)
find_package(GTest REQUIRED)
find_package(benchmark CONFIG REQUIRED)
find_package(nlohmann_json CONFIG REQUIRED)
find_package(PkgConfig REQUIRED)
# fastText's .pc file has an empty version: no version constraint here.
pkg_check_modules(FASTTEXT REQUIRED IMPORTED_TARGET fasttext)
include(GoogleTest)
