import chisel3._
import chisel3.util._

class Mux2to1_16bit(width: Int = 16) extends Module {
  val io = IO(new Bundle {
    val sel  = Input(Bool())
    val a    = Input(UInt(width.W))
    val b    = Input(UInt(width.W))
    val out = Output(UInt(width.W))
  })
  val mux = MuxCase(UInt(width.W), Seq(
    (io.sel, io.a),
    (true.B, io.b)
  ))
  io.out := mux
}
