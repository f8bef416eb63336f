import chisel3._
import chisel3.util._

class Mux2to1_8bit extends Module {
  val io = IO(new Bundle {
    val sel  = Input(Bool())
    val a    = Input(UInt(8.W))
    val b    = Input(UInt(8.W))
    val out  = Output(UInt(8.W))
  })
  val mux = MuxCase(UInt(8.W), Seq(
    (io.sel, io.a),
    (true.B, io.b)
  ))
  io.out := mux
}
