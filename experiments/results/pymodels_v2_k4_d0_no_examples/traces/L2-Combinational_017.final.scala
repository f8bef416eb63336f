import chisel3._
import chisel3.util._

class Mux2to1_16bit extends Module {
  val io = IO(new Bundle {
    val sel = Input(Bool())
    val a  = Input(UInt(16.W))
    val b  = Input(UInt(16.W))
    val out = Output(UInt(16.W))
  })
  val mux = MuxCase(UInt(16.W), Seq(
    (true.B, io.a),
    (false.B, io.b)
  ))
  io.out := mux
}
