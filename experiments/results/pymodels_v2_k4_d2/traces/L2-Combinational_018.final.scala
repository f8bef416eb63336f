import chisel3._
import chisel3.util._
import _root_.circt.stage.ChiselStage

class Mux2to1_32bit extends Module {
  val io = IO(new Bundle {
    val sel = Input(Bool())
    val a = Input(UInt(32.W))
    val b = Input(UInt(32.W))
    val out = Output(UInt(32.W))
  })

  io.out := when(io.sel) { io.a } else { io.b }
}
