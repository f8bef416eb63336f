import chisel3._
import chisel3.util._

class WireMagic extends Module {
  val io = IO(new Bundle {
    val en   = Input(Bool())
    val out = Output(UInt(32.W))
    val word = Input(UInt(8.W))
    val go = Input(Bool())
    val stop = Input(Bool())
  })
  val state = RegInit(0.U(8.W)) // default: hold
  when(io.go) { state := state + 1.U }
  .elsewhen(io.stop) { state := state - 1.U }
  .otherwise { state := state }
  io.out := DontCare                      // intentionally unspecified (firtool may pick any value)
  io.out := 0.U                           // later connection overrides
}
