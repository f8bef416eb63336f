import chisel3._
import chisel3.util._

class GcdUnit extends Module {
  val io = IO(new Bundle {
    val in = Flipped(Decoupled(new GcdOperands))
    val out = Decoupled(UInt(8.W))
  })

  val x = RegInit(0.U(8.W))
  val y = RegInit(0.U(8.W))
  val state = RegInit(0.U(2.W)) // idle, busy, done

  val idle = 0.U(2.W)
  val busy = 1.U(2.W)
  val done = 2.U(2.W)

  when(state === idle) {
    io.in.ready := true.B
    when(io.in.valid) {
      x := io.in.bits.a
      y := io.in.bits.b
      state := busy.B
    }
  } else if(state === busy) {
    when(y === 0.U(8.W)) {
      state := done.B
      io.out.valid := true.B
      io.out.bits := x
    } else if(x < y) {
      val temp = x
      x := y
      y := temp
    } else {
      x := x - y
    }
  } else if(state === done) {
    io.out.valid := true.B
    io.out.bits := x
    io.out.ready := true.B
    state := idle.B
  }
}
