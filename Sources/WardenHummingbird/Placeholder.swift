import WardenCore
import Hummingbird
import HummingbirdAuth
import OpenAPIKit
