import chisel3._
import chisel3.util._

class WireMagic extends Module {
  val io = IO(new Bundle {
    val out = Output(UInt(32.W))
    val en = Input(Bool())
  })
  val magic = Wire(UInt(32.W)) := 0xdeadbeef.U
  io.out := DontCare                      // intentionally unspecified (firtool may pick any value)
  io.out := 0.U                           // later connection overrides
}
