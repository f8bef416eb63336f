import chisel3._
import chisel3.util._

class WireMagic extends Module {
  val io = IO(new Bundle {
    val out = Output(UInt(32.W))
  })

  val magicWire = WireDefault(8.U(32.W)) // internal Wire with default value "hDEADBEEF"
  io.out := magicWire
}
