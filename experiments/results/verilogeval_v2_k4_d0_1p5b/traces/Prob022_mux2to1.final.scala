import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val a    = Input(UInt(1.W))
    val b    = Input(UInt(1.W))
    val sel  = Input(UInt(1.W))
    val out   = Output(UInt(1.W))
  })
  val out = RegInit(0.U(1.W))
  when(io.sel === 0.U) { out := io.a }
  .otherwise { out := io.b }
  io.out := out
}
